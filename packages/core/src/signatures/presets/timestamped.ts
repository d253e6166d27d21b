import { createHmacScheme } from '../spec/hmac-scheme.js';

/* Senders that sign a timestamp with the body: a captured delivery expires with the tolerance. */

/** Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex of "<ts>:<body>">`; its SDK allows 5 s. */
export const paddleScheme = createHmacScheme('paddle', {
  algorithm: 'sha256',
  encoding: 'hex',
  signature: { headers: ['paddle-signature'], pairs: { separator: ';', assign: '=', signature: 'h1', timestamp: 'ts' } },
  content: '{timestamp}:{body}',
  tolerance: { seconds: 5, direction: 'past' },
  id: ['body:event_id'],
  type: ['body:event_type'],
});

/** Mux: `Mux-Signature: t=<unix>,v1=<hex of "<t>.<body>">`, as Stripe. */
export const muxScheme = createHmacScheme('mux', {
  algorithm: 'sha256',
  encoding: 'hex',
  signature: { headers: ['mux-signature'], pairs: { separator: ',', assign: '=', signature: 'v1', timestamp: 't' } },
  content: '{timestamp}.{body}',
  tolerance: { seconds: 300, direction: 'past' },
  id: ['body:id'],
  type: ['body:type'],
});

/** Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex of "<t>.<body>">`; its docs allow 3 minutes. */
export const calendlyScheme = createHmacScheme('calendly', {
  algorithm: 'sha256',
  encoding: 'hex',
  signature: {
    headers: ['calendly-webhook-signature'],
    pairs: { separator: ',', assign: '=', signature: 'v1', timestamp: 't' },
  },
  content: '{timestamp}.{body}',
  tolerance: { seconds: 180, direction: 'past' },
  id: ['body:event+body:payload.uri+body:created_at'],
  type: ['body:event'],
});

/** Persona: `Persona-Signature: t=<unix>,v1=<hex of "<t>.<body>">`; the event id is the body's data.id. */
export const personaScheme = createHmacScheme('persona', {
  algorithm: 'sha256',
  encoding: 'hex',
  signature: { headers: ['persona-signature'], pairs: { separator: ',', assign: '=', signature: 'v1', timestamp: 't' } },
  content: '{timestamp}.{body}',
  tolerance: { seconds: 300, direction: 'past' },
  id: ['body:data.id'],
  type: ['body:data.attributes.name'],
});

/**
 * Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex of id + timestamp + body>`,
 * RFC 3339 timestamps, 10 minutes. Its subscription challenge is answered with the bare text.
 */
export const twitchScheme = createHmacScheme('twitch', {
  algorithm: 'sha256',
  encoding: 'hex',
  signature: { headers: ['twitch-eventsub-message-signature'], prefix: 'sha256=' },
  timestamp: { from: 'header:twitch-eventsub-message-timestamp', format: 'iso8601' },
  content: '{id}{timestamp}{body}',
  tolerance: { seconds: 600, direction: 'past' },
  id: ['header:twitch-eventsub-message-id'],
  type: ['body:subscription.type'],
  challenge: {
    when: 'header:twitch-eventsub-message-type',
    equals: 'webhook_callback_verification',
    reply: { text: 'body:challenge' },
  },
});

/**
 * Linear: `Linear-Signature: <hex of the body>`; the signed timestamp is the body's
 * `webhookTimestamp` (ms), which its SDK holds to 60 s either way.
 */
export const linearScheme = createHmacScheme('linear', {
  algorithm: 'sha256',
  encoding: 'hex',
  signature: { headers: ['linear-signature'] },
  timestamp: { from: 'body:webhookTimestamp', format: 'unix-ms' },
  content: '{body}',
  tolerance: { seconds: 60, direction: 'both' },
  id: ['header:linear-delivery'],
  type: ['body:type+body:action', 'body:type'],
});

/**
 * Zendesk: `X-Zendesk-Webhook-Signature: <base64 of timestamp + body>` with
 * `X-Zendesk-Webhook-Signature-Timestamp` (RFC 3339).
 */
export const zendeskScheme = createHmacScheme('zendesk', {
  algorithm: 'sha256',
  encoding: 'base64',
  signature: { headers: ['x-zendesk-webhook-signature'] },
  timestamp: { from: 'header:x-zendesk-webhook-signature-timestamp', format: 'iso8601' },
  content: '{timestamp}{body}',
  tolerance: { seconds: 300, direction: 'past' },
  id: ['header:x-zendesk-webhook-invocation-id', 'body:id'],
  type: ['body:type'],
});
