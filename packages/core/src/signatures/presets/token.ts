import { type Headers, headerValue } from '../../headers.js';
import { tokensEqual } from '../compare.js';
import type { ParsedDelivery, SignatureScheme, VerifyInput, VerifyResult } from '../scheme.js';
import { readFirst } from '../spec/locator.js';

export interface TokenSchemeSpec {
  readonly header: string;
  /** `basic`: the header is `Basic <base64 user:password>` and the secret is `user:password`. */
  readonly form: 'plain' | 'basic';
  readonly id: readonly string[];
  readonly type: readonly string[];
}

function givenToken(headers: Headers, spec: TokenSchemeSpec): string | undefined {
  const value = headerValue(headers, spec.header);
  if (value === undefined || spec.form === 'plain') return value;
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(value);
  return match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8');
}

/**
 * Senders that do not sign, but send a shared secret with every delivery (GitLab's token,
 * Postmark's basic auth): compared in constant time with every configured secret. Whoever holds
 * a captured delivery holds the secret itself, so no replay guard could help; rotate it instead.
 */
export function createTokenScheme(name: string, spec: TokenSchemeSpec): SignatureScheme {
  return {
    name,
    signatureHeaders: [spec.header],
    idSigned: false,
    verify(input: VerifyInput): VerifyResult {
      const token = givenToken(input.headers, spec);
      if (token === undefined) return { ok: false, reason: 'missing_signature' };
      // Every secret is compared, so the timing does not tell which one matched.
      const matches = input.secrets.map((secret) => tokensEqual(token, secret.value));
      const match = input.secrets[matches.indexOf(true)];
      return match === undefined ? { ok: false, reason: 'invalid_signature' } : { ok: true, secretIndex: match.index };
    },
    sign({ secret, eventId }) {
      const idHeader = spec.id[0]?.startsWith('header:') ? spec.id[0].slice('header:'.length) : undefined;
      const value = spec.form === 'basic' ? `Basic ${Buffer.from(secret).toString('base64')}` : secret;
      return { headers: { [spec.header]: value, ...(idHeader !== undefined && { [idHeader]: eventId }) } };
    },
    eventId: (delivery: ParsedDelivery) => readFirst(spec.id, delivery),
    eventType: (delivery: ParsedDelivery) => readFirst(spec.type, delivery),
  };
}

/**
 * GitLab: `X-Gitlab-Token` carries the webhook's secret token. `Idempotency-Key` is the same on
 * every retry of one event (GitLab 17.4+); `X-Gitlab-Event-UUID` before that.
 */
export const gitlabScheme = createTokenScheme('gitlab', {
  header: 'x-gitlab-token',
  form: 'plain',
  id: ['header:idempotency-key', 'header:x-gitlab-event-uuid'],
  type: ['body:object_kind+body:object_attributes.action', 'body:object_kind'],
});

/**
 * Postmark: no signature; the webhook URL carries basic-auth credentials (`https://user:pass@…`),
 * so the secret is `user:password`. Each record type names itself with different fields.
 */
export const postmarkScheme = createTokenScheme('postmark', {
  header: 'authorization',
  form: 'basic',
  id: [
    'body:RecordType+body:ID',
    'body:RecordType+body:MessageID+body:DeliveredAt',
    'body:RecordType+body:MessageID+body:ReceivedAt',
    'body:RecordType+body:MessageID+body:ChangedAt',
    'body:MessageID',
  ],
  type: ['body:RecordType'],
});
