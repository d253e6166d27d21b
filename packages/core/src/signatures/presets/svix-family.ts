import type { SignatureScheme } from '../scheme.js';
import { createHmacScheme } from '../spec/hmac-scheme.js';
import { standardWebhooksScheme } from '../standard-webhooks.js';
import { svixScheme } from '../svix.js';

/* Senders that sign as Standard Webhooks do, with Svix's header names or the standard's own. */

const typed = (base: SignatureScheme, name: string, extras: Partial<SignatureScheme> = {}): SignatureScheme => ({
  ...base,
  name,
  ...extras,
});

/** Clerk sends through Svix: `svix-id`, `svix-timestamp`, `svix-signature`, `whsec_` secrets. */
export const clerkScheme = typed(svixScheme, 'clerk');

/** Resend sends through Svix; its email events name the email in `data.email_id`. */
export const resendScheme = typed(svixScheme, 'resend');

/** OpenAI signs with the Standard Webhooks headers (`webhook-id`, …) and a `whsec_` secret. */
export const openAiScheme = typed(standardWebhooksScheme, 'openai');

/** Replicate signs with the Standard Webhooks headers and a `whsec_` secret. */
export const replicateScheme = typed(standardWebhooksScheme, 'replicate', {
  // The prediction and its lifecycle.
  defaultEntity: { id: 'id', status: 'status' },
  defaultStatuses: {
    ranks: { starting: 1, processing: 2, succeeded: 3, failed: 3, canceled: 3 },
    terminal: ['succeeded', 'failed', 'canceled'],
  },
});

/**
 * Polar signs with the Standard Webhooks headers, but keys the HMAC with the secret's own bytes
 * (its SDK base64-encodes the secret before handing it to the standard's library).
 */
export const polarScheme = createHmacScheme('polar', {
  algorithm: 'sha256',
  encoding: 'base64',
  key: 'utf8',
  signature: { headers: ['webhook-signature'], pairs: { separator: ' ', assign: ',', signature: 'v1' } },
  timestamp: { from: 'header:webhook-timestamp' },
  content: '{id}.{timestamp}.{body}',
  tolerance: { seconds: 300, direction: 'both' },
  id: ['header:webhook-id'],
  type: ['body:type'],
});
