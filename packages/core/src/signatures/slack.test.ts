import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { slackScheme } from './slack.js';

const NOW = 1_760_000_000;
const SECRET = 'hookline-slack-signing-secret';
const OTHER = 'hookline-slack-other-secret';
const body =
  '{"token":"x","team_id":"T1","type":"event_callback","event":{"type":"app_mention","text":"hi"},"event_id":"Ev01","event_time":1}';

// Slack's SDKs only verify, so requests are signed by the scheme and each one is checked
// with Bolt's verifySlackRequest before it is used: Slack's own code vouches for them.
function headersFor(secret: string, timestamp: number, payload = body): Record<string, string> {
  const { headers } = slackScheme.sign({ secret, rawBody: Buffer.from(payload), nowSeconds: timestamp, eventId: '' });
  verifySlackRequest({
    signingSecret: secret,
    body: payload,
    headers: {
      'x-slack-signature': headers['x-slack-signature'] as string,
      'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
    },
    nowMilliseconds: timestamp * 1000,
  });
  return { ...headers };
}

function verify(headers: Record<string, string | undefined>, secrets = [SECRET], payload = body) {
  return slackScheme.verify({
    headers,
    rawBody: Buffer.from(payload),
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: NOW,
    toleranceSeconds: 300,
  });
}

describe('slack scheme', () => {
  it("accepts Slack's documented example request", () => {
    // api.slack.com, "Verifying requests from Slack": a slash command, form-encoded.
    const documented =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const result = slackScheme.verify({
      headers: {
        'x-slack-request-timestamp': '1531420618',
        'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      },
      rawBody: Buffer.from(documented),
      secrets: [{ index: 0, value: '8f742231b10e8888abcd99yyyzzz85a5' }],
      nowSeconds: 1531420618,
      toleranceSeconds: 300,
    });
    expect(result).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts a request that Bolt verifies', () => {
    expect(verify(headersFor(SECRET, NOW))).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts when only the second configured secret matches, and says so', () => {
    expect(verify(headersFor(OTHER, NOW), [SECRET, OTHER])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('rejects a tampered body', () => {
    expect(verify(headersFor(SECRET, NOW), [SECRET], body.replace('hi', 'bye'))).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects the body re-serialised with other whitespace', () => {
    expect(verify(headersFor(SECRET, NOW), [SECRET], JSON.stringify(JSON.parse(body), null, 1)).ok).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(verify(headersFor(OTHER, NOW))).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('rejects a timestamp other than the one signed', () => {
    expect(verify({ ...headersFor(SECRET, NOW), 'x-slack-request-timestamp': String(NOW - 1) }).ok).toBe(false);
  });

  it('rejects a request older than five minutes, and accepts one exactly at the limit', () => {
    expect(verify(headersFor(SECRET, NOW - 301))).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verify(headersFor(SECRET, NOW - 300)).ok).toBe(true);
  });

  it('accepts a timestamp ahead of our clock, as Bolt does', () => {
    expect(verify(headersFor(SECRET, NOW + 3600)).ok).toBe(true);
  });

  it.each(['x-slack-signature', 'x-slack-request-timestamp'])('rejects a request without %s as missing_signature', (name) => {
    const headers: Record<string, string | undefined> = headersFor(SECRET, NOW);
    delete headers[name];
    expect(verify(headers)).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    [
      'an unknown version',
      (h: Record<string, string>) => ({ ...h, 'x-slack-signature': h['x-slack-signature']?.replace('v0=', 'v1=') }),
    ],
    ['no version', (h: Record<string, string>) => ({ ...h, 'x-slack-signature': h['x-slack-signature']?.slice(3) })],
    ['a non-numeric timestamp', (h: Record<string, string>) => ({ ...h, 'x-slack-request-timestamp': 'now' })],
    ['a short digest', (h: Record<string, string>) => ({ ...h, 'x-slack-signature': 'v0=abc' })],
  ])('rejects a malformed header (%s) as invalid_signature', (_name, change) => {
    expect(verify(change(headersFor(SECRET, NOW)))).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('takes the Events API event_id and the inner event type', () => {
    const delivery = { headers: {}, body: JSON.parse(body) };
    expect(slackScheme.eventId(delivery)).toBe('Ev01');
    expect(slackScheme.eventType(delivery)).toBe('app_mention');
  });

  it('takes the trigger_id and the command of a slash command', () => {
    const delivery = { headers: {}, body: { command: '/deploy', trigger_id: '123.456.abc', text: 'now' } };
    expect(slackScheme.eventId(delivery)).toBe('123.456.abc');
    expect(slackScheme.eventType(delivery)).toBe('/deploy');
  });

  it('answers url_verification with its challenge, and nothing else', () => {
    const challenge = {
      headers: {},
      body: { token: 't', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' },
    };
    expect(slackScheme.handshake?.(challenge)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(slackScheme.handshake?.({ headers: {}, body: JSON.parse(body) })).toBeUndefined();
  });
});
