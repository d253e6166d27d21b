import { createHmacScheme } from '../spec/hmac-scheme.js';

/*
 * Senders that sign the raw body alone, with no timestamp. Where the event id is in the body it is
 * signed with it; where it is a header, the replay guard (window: the sender's retry schedule)
 * keeps a captured body from being stored again under a fresh id.
 */

const DAY = 24 * 3600;

/** Lemon Squeezy: `X-Signature: <hex HMAC-SHA256>`. No event id: the event, object and its update time name it. */
export const lemonSqueezyScheme = createHmacScheme('lemonsqueezy', {
  algorithm: 'sha256',
  encoding: 'hex',
  signature: { headers: ['x-signature'] },
  content: '{body}',
  id: ['body:meta.event_name+body:data.type+body:data.id+body:data.attributes.updated_at'],
  type: ['body:meta.event_name'],
});

/** Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1>`, keyed with the app's client secret. */
export const intercomScheme = createHmacScheme('intercom', {
  algorithm: 'sha1',
  encoding: 'hex',
  signature: { headers: ['x-hub-signature'], prefix: 'sha1=' },
  content: '{body}',
  id: ['body:id'],
  type: ['body:topic'],
});

/** Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`; the request UUID is the delivery id. */
export const bitbucketScheme = createHmacScheme(
  'bitbucket',
  {
    algorithm: 'sha256',
    encoding: 'hex',
    signature: { headers: ['x-hub-signature'], prefix: 'sha256=' },
    content: '{body}',
    id: ['header:x-request-uuid'],
    type: ['header:x-event-key'],
  },
  { defaultReplayGuard: { windowSeconds: DAY } },
);

/** Sentry integrations: `Sentry-Hook-Signature: <hex>`; `Sentry-Hook-Timestamp` is not signed. */
export const sentryScheme = createHmacScheme(
  'sentry',
  {
    algorithm: 'sha256',
    encoding: 'hex',
    signature: { headers: ['sentry-hook-signature'] },
    content: '{body}',
    id: ['header:request-id'],
    type: ['header:sentry-hook-resource+body:action', 'header:sentry-hook-resource'],
  },
  { defaultReplayGuard: { windowSeconds: DAY } },
);

/** Vercel: `x-vercel-signature: <hex HMAC-SHA1>`; event id and type in the body. */
export const vercelScheme = createHmacScheme('vercel', {
  algorithm: 'sha1',
  encoding: 'hex',
  signature: { headers: ['x-vercel-signature'] },
  content: '{body}',
  id: ['body:id'],
  type: ['body:type'],
});

/** Typeform: `Typeform-Signature: sha256=<base64>`. */
export const typeformScheme = createHmacScheme('typeform', {
  algorithm: 'sha256',
  encoding: 'base64',
  signature: { headers: ['typeform-signature'], prefix: 'sha256=' },
  content: '{body}',
  id: ['body:event_id'],
  type: ['body:event_type'],
});

/** Razorpay: `X-Razorpay-Signature: <hex>`; `x-razorpay-event-id` repeats on retries (for 24 hours). */
export const razorpayScheme = createHmacScheme(
  'razorpay',
  {
    algorithm: 'sha256',
    encoding: 'hex',
    signature: { headers: ['x-razorpay-signature'] },
    content: '{body}',
    id: ['header:x-razorpay-event-id'],
    type: ['body:event'],
  },
  {
    defaultReplayGuard: { windowSeconds: DAY },
    defaultEntity: { id: 'payload.payment.entity.id', status: 'payload.payment.entity.status' },
    // The payment lifecycle: a captured payment may still be refunded; failed and refunded end it.
    defaultStatuses: {
      ranks: { created: 1, authorized: 2, captured: 3, failed: 3, refunded: 4 },
      terminal: ['failed', 'refunded'],
    },
  },
);

/** WooCommerce: `X-WC-Webhook-Signature: <base64>`; one delivery id per delivery. */
export const wooCommerceScheme = createHmacScheme(
  'woocommerce',
  {
    algorithm: 'sha256',
    encoding: 'base64',
    signature: { headers: ['x-wc-webhook-signature'] },
    content: '{body}',
    id: ['header:x-wc-webhook-delivery-id'],
    type: ['header:x-wc-webhook-topic'],
  },
  {
    defaultReplayGuard: { windowSeconds: DAY },
    defaultEntity: { id: 'id', status: 'status' },
    // The order lifecycle; a completed (or cancelled, failed) order can still be refunded.
    defaultStatuses: {
      ranks: { pending: 1, 'on-hold': 2, processing: 3, completed: 4, cancelled: 4, failed: 4, refunded: 5 },
      terminal: ['refunded'],
    },
  },
);

/** DocuSign Connect: `X-DocuSign-Signature-1` (and `-2`… for each active key), base64. */
export const docuSignScheme = createHmacScheme('docusign', {
  algorithm: 'sha256',
  encoding: 'base64',
  signature: { headers: [1, 2, 3, 4, 5].map((n) => `x-docusign-signature-${n}`) },
  content: '{body}',
  // A retry carries a higher retryCount in the body, so the id leaves it out.
  id: ['body:event+body:data.envelopeId+body:generatedDateTime'],
  type: ['body:event'],
});

/** LINE Messaging API: `x-line-signature: <base64>` with the channel secret. */
export const lineScheme = createHmacScheme(
  'line',
  {
    algorithm: 'sha256',
    encoding: 'base64',
    signature: { headers: ['x-line-signature'] },
    content: '{body}',
    id: ['body:events.0.webhookEventId'],
    type: ['body:events.0.type'],
  },
  {
    // The console's "Verify" button posts a signed body with no events: it only needs a 200.
    handshake: ({ body }) => (Array.isArray(body.events) && body.events.length === 0 ? {} : undefined),
  },
);

/** Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256 of the notification URL + body>`. */
export const squareScheme = createHmacScheme('square', {
  algorithm: 'sha256',
  encoding: 'base64',
  signature: { headers: ['x-square-hmacsha256-signature'] },
  content: '{url}{body}',
  id: ['body:event_id'],
  type: ['body:type'],
});
