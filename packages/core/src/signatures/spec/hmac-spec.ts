import { z } from 'zod';
import { LOCATOR_PATTERN } from './locator.js';

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase());
const locator = z.string().regex(LOCATOR_PATTERN, 'must be header:<name> or body:<dotted.path>, several joined by +');
const PLACEHOLDERS = ['{id}', '{timestamp}', '{body}', '{url}', '{method}'];

/** A reply to a verified handshake: the text at a locator, or JSON whose string values may be locators. */
const challengeSchema = z.strictObject({
  /** The delivery is a handshake when the value here equals `equals`. */
  when: locator,
  equals: z.string().min(1),
  reply: z.union([
    z.strictObject({ text: locator }),
    /** Values written `header:…`/`body:…` are read from the delivery; anything else is sent as written. */
    z.strictObject({ json: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) }),
  ]),
});

/**
 * An HMAC signature scheme as data: the family most senders belong to. Written in YAML as a
 * custom source's `scheme`, and in TypeScript by most provider presets.
 */
export const hmacSpecSchema = z
  .strictObject({
    algorithm: z.enum(['sha1', 'sha256', 'sha512']),
    encoding: z.enum(['hex', 'base64']),
    /** How a secret becomes the key: its UTF-8 bytes, or base64-decoded (after any `whsec_`). */
    key: z.enum(['utf8', 'base64']).default('utf8'),
    signature: z.strictObject({
      /** Every one of these headers that is present carries candidate signatures. */
      headers: z.array(headerName).min(1),
      /** Text before the signature (`sha256=`), required and removed. */
      prefix: z.string().min(1).optional(),
      /**
       * The header is a list of `<name><assign><value>` items (Stripe `t=…,v1=…`, Paddle
       * `ts=…;h1=…`, Standard Webhooks `v1,… v1,…`): every item named `signature` is a candidate.
       */
      pairs: z
        .strictObject({
          separator: z.string().min(1),
          assign: z.string().min(1),
          signature: z.string().min(1),
          /** The item holding the signed timestamp, when it is in this header. */
          timestamp: z.string().min(1).optional(),
        })
        .optional(),
    }),
    /** A signed timestamp outside the signature header, and how it is written. */
    timestamp: z.strictObject({ from: locator, format: z.enum(['unix', 'unix-ms', 'iso8601']).default('unix') }).optional(),
    /** What is signed: `{id}`, `{timestamp}` (as sent), `{body}` (raw bytes), `{url}`, `{method}`. */
    content: z.string().min(1),
    /** How far the signed timestamp may be from our clock; `past` refuses only old ones. */
    tolerance: z
      .strictObject({ seconds: z.number().int().positive(), direction: z.enum(['both', 'past']).default('both') })
      .optional(),
    /** Where the event id is, the first that is present winning. */
    id: z.array(locator).min(1).optional(),
    /** Where the event type is, the first that is present winning. */
    type: z.array(locator).min(1).optional(),
    challenge: challengeSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    const unknown = spec.content.match(/\{[^}]*\}/g)?.filter((placeholder) => !PLACEHOLDERS.includes(placeholder));
    if (unknown !== undefined && unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['content'],
        message: `unknown placeholder ${unknown[0]}; use ${PLACEHOLDERS.join(' ')}`,
      });
    }
    if (!spec.content.includes('{body}')) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'must include {body}: an unsigned body could be anything' });
    }
    const hasTimestamp = spec.timestamp !== undefined || spec.signature.pairs?.timestamp !== undefined;
    if (spec.content.includes('{timestamp}') && !hasTimestamp) {
      ctx.addIssue({ code: 'custom', path: ['timestamp'], message: 'is required when content has {timestamp}' });
    }
    if (spec.tolerance !== undefined && !hasTimestamp) {
      ctx.addIssue({
        code: 'custom',
        path: ['tolerance'],
        message: 'needs a signed timestamp (timestamp, or signature.pairs.timestamp)',
      });
    }
    if (spec.content.includes('{id}') && !/^header:[A-Za-z0-9-]+$/.test(spec.id?.[0] ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'must start with a header: locator when content has {id}' });
    }
  });

export type HmacSpec = z.output<typeof hmacSpecSchema>;
export type HmacSpecInput = z.input<typeof hmacSpecSchema>;
