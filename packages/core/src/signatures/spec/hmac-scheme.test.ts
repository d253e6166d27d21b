import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseSourcesConfig } from '../../config/sources-config.js';
import { githubScheme } from '../github.js';
import type { SignatureScheme } from '../scheme.js';
import { slackScheme } from '../slack.js';
import { standardWebhooksScheme } from '../standard-webhooks.js';
import { stripeScheme } from '../stripe.js';
import { createHmacScheme } from './hmac-scheme.js';
import type { HmacSpecInput } from './hmac-spec.js';

const NOW = 1_760_000_000;
const body = '{"id":"evt_1","type":"payment_intent.succeeded","event_id":"Ev1"}';
const stripe = new Stripe('sk_test_hookline');

/** The four presets, written as custom descriptions. */
const described: Record<string, HmacSpecInput> = {
  stripe: {
    algorithm: 'sha256',
    encoding: 'hex',
    signature: { headers: ['stripe-signature'], pairs: { separator: ',', assign: '=', signature: 'v1', timestamp: 't' } },
    content: '{timestamp}.{body}',
    tolerance: { seconds: 300, direction: 'past' },
    id: ['body:id'],
    type: ['body:type'],
  },
  github: {
    algorithm: 'sha256',
    encoding: 'hex',
    signature: { headers: ['x-hub-signature-256'], prefix: 'sha256=' },
    content: '{body}',
    id: ['header:x-github-delivery'],
  },
  slack: {
    algorithm: 'sha256',
    encoding: 'hex',
    signature: { headers: ['x-slack-signature'], prefix: 'v0=' },
    timestamp: { from: 'header:x-slack-request-timestamp' },
    content: 'v0:{timestamp}:{body}',
    tolerance: { seconds: 300, direction: 'past' },
    id: ['body:event_id', 'body:trigger_id'],
  },
  'standard-webhooks': {
    algorithm: 'sha256',
    encoding: 'base64',
    key: 'base64',
    signature: { headers: ['webhook-signature'], pairs: { separator: ' ', assign: ',', signature: 'v1' } },
    timestamp: { from: 'header:webhook-timestamp' },
    content: '{id}.{timestamp}.{body}',
    tolerance: { seconds: 300, direction: 'both' },
    id: ['header:webhook-id'],
    type: ['body:type'],
  },
};

const SECRETS: Record<string, string> = {
  stripe: 'whsec_stripeSecret',
  github: 'github-secret',
  slack: 'slack-secret',
  'standard-webhooks': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

/** Requests each preset's sender (or a forger) could send: every verdict the presets can give. */
function requests(name: string): Record<string, Record<string, string>> {
  const secret = SECRETS[name] as string;
  const at = (timestamp: number, key = secret, raw = body): Record<string, string> => {
    if (name === 'stripe')
      return { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: raw, secret: key, timestamp }) };
    if (name === 'github') return { 'x-hub-signature-256': `sha256=${createHmac('sha256', key).update(raw).digest('hex')}` };
    if (name === 'slack') {
      const hex = createHmac('sha256', key).update(`v0:${timestamp}:${raw}`).digest('hex');
      return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${hex}` };
    }
    return {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': new Webhook(key).sign('msg_1', new Date(timestamp * 1000), raw),
    };
  };
  const valid = at(NOW);
  const [signatureHeader] = Object.keys(valid).filter((header) => /signature/.test(header));
  const withSignature = (value: string) => ({ ...valid, [signatureHeader as string]: value });
  return {
    valid,
    'wrong secret': at(NOW, name === 'standard-webhooks' ? 'whsec_b3RoZXJvdGhlcm90aGVyb3RoZXI=' : 'other-secret'),
    'signed other body': at(NOW, secret, '{"id":"evt_2"}'),
    'stale timestamp': at(NOW - 301),
    'at the tolerance edge': at(NOW - 300),
    'future timestamp': at(NOW + 301),
    'no headers': {},
    'garbage signature': withSignature('garbage'),
    'empty signature': withSignature(''),
    'uppercase hex': withSignature((valid[signatureHeader as string] as string).toUpperCase()),
    'two signatures, second valid': withSignature(
      `${name === 'stripe' ? `t=${NOW},v1=${'0'.repeat(64)},` : ''}${valid[signatureHeader as string]}`,
    ),
    'non-numeric timestamp': { ...valid, 'x-slack-request-timestamp': 'soon', 'webhook-timestamp': 'soon' },
    'missing id': Object.fromEntries(Object.entries(valid).filter(([header]) => header !== 'webhook-id')),
  };
}

const presets: Record<string, SignatureScheme> = {
  stripe: stripeScheme,
  github: githubScheme,
  slack: slackScheme,
  'standard-webhooks': standardWebhooksScheme,
};

describe('a custom description of an existing preset', () => {
  describe.each(Object.keys(presets))('%s', (name) => {
    const custom = createHmacScheme('custom', described[name] as HmacSpecInput);
    const preset = presets[name] as SignatureScheme;
    const secrets = [
      { index: 0, value: 'rotated-away' },
      { index: 1, value: SECRETS[name] as string },
    ];

    it.each(Object.entries(requests(name)))('gives the same verdict as the preset: %s', (_case, headers) => {
      for (const rawBody of [body, '{"id":"evt_1","type":"tampered"}']) {
        const input = { headers, rawBody: Buffer.from(rawBody), secrets, nowSeconds: NOW, toleranceSeconds: 300 };
        expect(custom.verify(input)).toEqual(preset.verify(input));
      }
    });

    it('signs what the preset verifies, and extracts the same id', () => {
      const signed = custom.sign({
        secret: SECRETS[name] as string,
        rawBody: Buffer.from(body),
        nowSeconds: NOW,
        eventId: 'msg_1',
      });
      const input = { headers: signed.headers, rawBody: Buffer.from(body), secrets, nowSeconds: NOW, toleranceSeconds: 300 };
      expect(preset.verify(input)).toEqual({ ok: true, secretIndex: 1 });
      const delivery = { headers: signed.headers, body: JSON.parse(body) };
      expect(custom.eventId(delivery)).toBe(preset.eventId(delivery));
      expect(custom.idSigned).toBe(preset.idSigned);
    });
  });
});

describe('custom sources in the sources file', () => {
  const parse = (scheme: string) =>
    parseSourcesConfig(`sources:\n  - name: acme\n    provider: custom\n    secrets: [S]\n    scheme: ${scheme}\n`, { S: 's' });

  it('names the field of an invalid description', () => {
    const problems = (text: string) => {
      const result = parse(text);
      return result.ok ? [] : result.problems;
    };
    expect(problems('{ algorithm: md5, encoding: hex, signature: { headers: [x-sig] }, content: "{body}" }')).toEqual([
      expect.stringMatching(/^sources\[0\]\.scheme\.algorithm: /),
    ]);
    expect(problems('{ algorithm: sha1, encoding: hex, signature: { headers: ["x sig"] }, content: "{body}" }')).toEqual([
      'sources[0].scheme.signature.headers[0]: must be an HTTP header name',
    ]);
    expect(problems('{ algorithm: sha1, encoding: hex, signature: { headers: [x-sig] }, content: "{nonce}.{body}" }')).toEqual([
      expect.stringMatching(/^sources\[0\]\.scheme\.content: unknown placeholder \{nonce\}/),
    ]);
    expect(problems('{ algorithm: sha1, encoding: hex, signature: { headers: [x-sig] }, content: "{timestamp}" }')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\[0\]\.scheme\.timestamp: /),
        expect.stringMatching(/content: must include \{body\}/),
      ]),
    );
    expect(
      problems('{ algorithm: sha1, encoding: hex, signature: { headers: [x-sig] }, content: "{body}", id: [query:x] }'),
    ).toEqual([expect.stringMatching(/^sources\[0\]\.scheme\.id\[0\]: must be header:/)]);
    expect(
      problems('{ algorithm: sha1, encoding: hex, signature: { headers: [x-sig] }, content: "{id}{body}", id: [body:id] }'),
    ).toEqual([expect.stringMatching(/^sources\[0\]\.scheme\.id: /)]);
    const noScheme = parseSourcesConfig('sources:\n  - { name: a, provider: custom, secrets: [S] }\n', { S: 's' });
    expect(noScheme.ok ? [] : noScheme.problems).toEqual(['sources[0].scheme: is required with provider custom']);
    const scheme = '{ algorithm: sha256, encoding: hex, signature: { headers: [x-sig] }, content: "{body}" }';
    const stray = parseSourcesConfig(`sources:\n  - { name: a, provider: github, secrets: [S], scheme: ${scheme} }\n`, {
      S: 's',
    });
    expect(stray.ok ? [] : stray.problems).toEqual(['sources[0].scheme: applies only to provider custom']);
  });

  it('guards replays when the id is not signed, for twice the tolerance or a day', () => {
    const guard = (text: string) => {
      const result = parse(text);
      if (!result.ok) throw new Error(result.problems.join());
      return result.config.sources.get('acme')?.replayGuard;
    };
    const base = 'algorithm: sha256, encoding: hex, signature: { headers: [x-sig] }, id: ["header:x-id"]';
    expect(guard(`{ ${base}, content: "{body}" }`)).toEqual({ windowSeconds: 86_400 });
    expect(
      guard(`{ ${base}, timestamp: { from: "header:x-ts" }, content: "{timestamp}.{body}", tolerance: { seconds: 300 } }`),
    ).toEqual({
      windowSeconds: 600,
    });
    expect(guard(`{ ${base}, timestamp: { from: "header:x-ts" }, content: "{id}.{timestamp}.{body}" }`)).toBe(false);
  });
});
