import { verify as octokitVerify, sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { githubScheme } from './github.js';

const SECRET = 'hookline-github-secret';
const OTHER = 'hookline-github-other';
const body = '{"action":"opened","number":1,"pull_request":{"id":1,"state":"open"}}';

function verify(signature: string | undefined, secrets = [SECRET], payload = body) {
  return githubScheme.verify({
    headers: { 'x-hub-signature-256': signature },
    rawBody: Buffer.from(payload),
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: 0,
    toleranceSeconds: 0,
  });
}

describe('github scheme', () => {
  it("accepts GitHub's published test vector", () => {
    // docs.github.com, "Validating webhook deliveries": secret and payload with their expected signature.
    const published = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verify(published, ["It's a Secret to Everybody"], 'Hello, World!')).toEqual({ ok: true, secretIndex: 0 });
  });

  // Signatures below come from @octokit/webhooks-methods, GitHub's own library.
  it('accepts a signature made by @octokit/webhooks-methods', async () => {
    expect(verify(await sign(SECRET, body))).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts when only the second configured secret matches, and says so', async () => {
    expect(verify(await sign(OTHER, body), [SECRET, OTHER])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('rejects a tampered body', async () => {
    expect(verify(await sign(SECRET, body), [SECRET], body.replace('opened', 'closed'))).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects the body re-serialised with other whitespace', async () => {
    expect(verify(await sign(SECRET, body), [SECRET], JSON.stringify(JSON.parse(body), null, 2)).ok).toBe(false);
  });

  it('rejects a wrong secret', async () => {
    expect(verify(await sign(OTHER, body))).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('rejects a delivery without X-Hub-Signature-256 as missing_signature, even with the legacy SHA-1 header', () => {
    const result = githubScheme.verify({
      headers: { 'x-hub-signature': `sha1=${'a'.repeat(40)}` },
      rawBody: Buffer.from(body),
      secrets: [{ index: 0, value: SECRET }],
      nowSeconds: 0,
      toleranceSeconds: 0,
    });
    expect(result).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['no prefix', async () => (await sign(SECRET, body)).slice('sha256='.length)],
    ['an unknown algorithm', async () => (await sign(SECRET, body)).replace('sha256=', 'sha512=')],
    ['a short digest', async () => 'sha256=abcd'],
    ['a non-hex digest', async () => `sha256=${'g'.repeat(64)}`],
  ])('rejects a malformed header (%s) as invalid_signature', async (_name, make) => {
    expect(verify(await make())).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('signs so that @octokit/webhooks-methods verifies it', async () => {
    const { headers } = githubScheme.sign({ secret: SECRET, rawBody: Buffer.from(body), nowSeconds: 0, eventId: 'd-1' });
    expect(await octokitVerify(SECRET, body, headers['x-hub-signature-256'] as string)).toBe(true);
    expect(headers['x-github-delivery']).toBe('d-1');
  });

  it('takes the event id from X-GitHub-Delivery and the type from X-GitHub-Event plus the action', () => {
    const headers = { 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'x-github-event': 'pull_request' };
    const delivery = { headers, body: JSON.parse(body) };
    expect(githubScheme.eventId(delivery)).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(githubScheme.eventType(delivery)).toBe('pull_request.opened');
    expect(githubScheme.eventType({ headers, body: { ref: 'refs/heads/main' } })).toBe('pull_request');
  });
});
