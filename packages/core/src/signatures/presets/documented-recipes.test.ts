import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type PresetName, signatureSchemes } from '../index.js';
import { presetSamples } from './samples.js';

/*
 * Providers with no verifying SDK on npm: each request is built by the provider's documented
 * recipe, transcribed here with node:crypto (not with the code under test), citing where it is.
 */

const NOW = 1_764_410_400;
const hmac = (algorithm: string, key: string, text: string, encoding: 'hex' | 'base64') =>
  createHmac(algorithm, key).update(text).digest(encoding);

type Recipe = (secret: string, body: string, id: string) => Record<string, string>;

const recipes: Partial<Record<PresetName, { source: string; recipe: Recipe }>> = {
  intercom: {
    source: 'https://developers.intercom.com/docs/webhooks/setting-up-webhooks (signed notifications: X-Hub-Signature sha1=)',
    recipe: (secret, body) => ({ 'x-hub-signature': `sha1=${hmac('sha1', secret, body, 'hex')}` }),
  },
  bitbucket: {
    source: 'https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/ (secure webhooks: X-Hub-Signature sha256=)',
    recipe: (secret, body, id) => ({
      'x-hub-signature': `sha256=${hmac('sha256', secret, body, 'hex')}`,
      'x-request-uuid': id,
      'x-event-key': 'repo:push',
    }),
  },
  sentry: {
    source: 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/ (Sentry-Hook-Signature)',
    recipe: (secret, body, id) => ({ 'sentry-hook-signature': hmac('sha256', secret, body, 'hex'), 'request-id': id }),
  },
  vercel: {
    source: 'https://vercel.com/docs/webhooks/webhooks-api (x-vercel-signature: HMAC-SHA1 hex of the body)',
    recipe: (secret, body) => ({ 'x-vercel-signature': hmac('sha1', secret, body, 'hex') }),
  },
  typeform: {
    source: 'https://www.typeform.com/developers/webhooks/secure-your-webhooks/ (Typeform-Signature: sha256=<base64>)',
    recipe: (secret, body) => ({ 'typeform-signature': `sha256=${hmac('sha256', secret, body, 'base64')}` }),
  },
  woocommerce: {
    source: 'WooCommerce WC_Webhook::generate_signature: base64_encode(hash_hmac("sha256", $payload, $secret, true))',
    recipe: (secret, body, id) => ({
      'x-wc-webhook-signature': hmac('sha256', secret, body, 'base64'),
      'x-wc-webhook-delivery-id': id,
      'x-wc-webhook-topic': 'order.updated',
    }),
  },
  docusign: {
    source: 'https://developers.docusign.com/platform/webhooks/connect/hmac/ (X-DocuSign-Signature-1: base64 HMAC-SHA256)',
    // One signature per active key: here the first is ours, the second another key's.
    recipe: (secret, body) => ({
      'x-docusign-signature-1': hmac('sha256', secret, body, 'base64'),
      'x-docusign-signature-2': hmac('sha256', 'another-key', body, 'base64'),
    }),
  },
  lemonsqueezy: {
    source: 'https://docs.lemonsqueezy.com/help/webhooks/signing-requests (X-Signature: hex HMAC-SHA256)',
    recipe: (secret, body) => ({ 'x-signature': hmac('sha256', secret, body, 'hex') }),
  },
  calendly: {
    source: 'https://developer.calendly.com/api-docs/4c305798a61d3-webhook-signatures (t=…,v1=hex of "t.body")',
    recipe: (secret, body) => ({
      'calendly-webhook-signature': `t=${NOW},v1=${hmac('sha256', secret, `${NOW}.${body}`, 'hex')}`,
    }),
  },
  persona: {
    source: 'https://docs.withpersona.com/docs/webhooks-best-practices (Persona-Signature: t=…,v1=hex of "t.body")',
    recipe: (secret, body) => ({ 'persona-signature': `t=${NOW},v1=${hmac('sha256', secret, `${NOW}.${body}`, 'hex')}` }),
  },
  twitch: {
    source: 'https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message (id + timestamp + body)',
    recipe: (secret, body, id) => {
      const timestamp = new Date(NOW * 1000).toISOString().replace('.000Z', '.123456789Z');
      return {
        'twitch-eventsub-message-id': id,
        'twitch-eventsub-message-timestamp': timestamp,
        'twitch-eventsub-message-signature': `sha256=${hmac('sha256', secret, id + timestamp + body, 'hex')}`,
      };
    },
  },
  zendesk: {
    source: 'https://developer.zendesk.com/documentation/webhooks/verifying/ (base64 HMAC-SHA256 of timestamp + body)',
    recipe: (secret, body, id) => {
      const timestamp = new Date(NOW * 1000).toISOString().replace('.000', '');
      return {
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': hmac('sha256', secret, timestamp + body, 'base64'),
        'x-zendesk-webhook-invocation-id': id,
      };
    },
  },
  zoom: {
    source: 'https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events (v0=hex of "v0:timestamp:body")',
    recipe: (secret, body) => ({
      'x-zm-request-timestamp': String(NOW),
      'x-zm-signature': `v0=${hmac('sha256', secret, `v0:${NOW}:${body}`, 'hex')}`,
    }),
  },
  gitlab: {
    source: 'https://docs.gitlab.com/user/project/integrations/webhooks/ (X-Gitlab-Token carries the secret token)',
    recipe: (secret, _body, id) => ({ 'x-gitlab-token': secret, 'idempotency-key': id }),
  },
  postmark: {
    source: 'https://postmarkapp.com/developer/webhooks/webhooks-overview (basic auth in the webhook URL, RFC 7617)',
    recipe: (secret) => ({ authorization: `Basic ${Buffer.from(secret).toString('base64')}` }),
  },
};

describe.each(Object.entries(recipes))('%s, by its documented recipe', (name, { recipe }) => {
  const provider = name as PresetName;
  const sample = presetSamples[provider];
  const scheme = signatureSchemes[provider];
  const body = sample.body(NOW);
  const headers = recipe(sample.secret, body, sample.headerEventId ?? 'recipe-id');
  const verify = (secret: string, raw = body) =>
    scheme.verify({
      headers,
      rawBody: Buffer.from(raw),
      secrets: [{ index: 0, value: secret }],
      nowSeconds: NOW,
      toleranceSeconds: scheme.defaultToleranceSeconds ?? 0,
    });

  it('accepts a request signed by the recipe, and only with its secret', () => {
    expect(verify(sample.secret)).toEqual({ ok: true, secretIndex: 0 });
    expect(verify(`${sample.secret}x`).ok).toBe(false);
  });

  it('signs the very headers the recipe makes', () => {
    const signed = scheme.sign({
      secret: sample.secret,
      rawBody: Buffer.from(body),
      nowSeconds: NOW,
      eventId: sample.headerEventId ?? 'recipe-id',
    });
    for (const header of scheme.signatureHeaders.filter((name) => name in signed.headers && name in headers)) {
      // Twitch and Zendesk timestamps are RFC 3339 text: ours are written in milliseconds, theirs vary.
      if (provider !== 'twitch' && provider !== 'zendesk') expect(signed.headers[header]).toBe(headers[header]);
    }
    expect(verify(sample.secret)).toEqual(
      scheme.verify({
        headers: signed.headers,
        rawBody: Buffer.from(body),
        secrets: [{ index: 0, value: sample.secret }],
        nowSeconds: NOW,
        toleranceSeconds: scheme.defaultToleranceSeconds ?? 0,
      }),
    );
  });
});

describe('handshakes, by their documented recipes', () => {
  it('zoom: answers endpoint.url_validation with the plain token and its HMAC under the secret token', () => {
    // https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint
    const body = { event: 'endpoint.url_validation', payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event_ts: NOW * 1000 };
    const reply = signatureSchemes.zoom.handshake?.({ headers: {}, body }, 'zoom-secret-token');
    expect(reply).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: hmac('sha256', 'zoom-secret-token', 'qgg8vlvZRS6UYooatFL8Aw', 'hex'),
    });
  });

  it('twitch: answers webhook_callback_verification with the bare challenge', () => {
    const headers = { 'twitch-eventsub-message-type': 'webhook_callback_verification' };
    const body = { challenge: 'pogchamp-kappa-360noscope-vohiyo', subscription: { type: 'channel.follow' } };
    expect(signatureSchemes.twitch.handshake?.({ headers, body })).toBe('pogchamp-kappa-360noscope-vohiyo');
    expect(
      signatureSchemes.twitch.handshake?.({ headers: { 'twitch-eventsub-message-type': 'notification' }, body }),
    ).toBeUndefined();
  });

  it('discord: answers a PING with a PONG', () => {
    expect(signatureSchemes.discord.handshake?.({ headers: {}, body: { type: 1, id: 'i' } })).toEqual({ type: 1 });
    expect(signatureSchemes.discord.handshake?.({ headers: {}, body: { type: 2, id: 'i' } })).toBeUndefined();
  });

  it("line: answers the console's verification (no events) with an empty object", () => {
    expect(signatureSchemes.line.handshake?.({ headers: {}, body: { destination: 'U1', events: [] } })).toEqual({});
  });
});
