import type { Headers } from '../headers.js';

// Names that could carry a credential: signatures, tokens, keys, cookies, auth, sessions.
const CREDENTIAL_NAME = /signature|secret|token|auth|cookie|hmac|api[-_]?key|apikey|x-api|session|password|credential/i;

// What a proxy writes about the URL it was asked for: the query string in it is where senders put
// a token when they cannot send headers (Apify's `?token=`), so it is as secret as the token.
const ORIGINAL_URL_NAMES = new Set([
  'x-original-uri',
  'x-original-url',
  'x-forwarded-uri',
  'x-forwarded-url',
  'x-forwarded-path',
  'x-forwarded-prefix',
  'x-envoy-original-path',
  'x-envoy-original-url',
  'x-rewrite-url',
  'x-request-uri',
  'x-matched-path',
  'forwarded-request-uri',
]);

// A value that carries a credential under any header name: `…?token=…`, `key=…`.
const CREDENTIAL_VALUE = /(?:token|secret|signature|sig|password|passwd|api[-_]?key|apikey|access[-_]?key|auth)=/i;

/**
 * Headers worth keeping with the event, minus the scheme's signature headers and anything that
 * could carry a credential: by name, by being a proxy's copy of the requested URL, or by a value
 * holding `token=`-like text. A denylist, not an allowlist: operators read these headers to see
 * what a sender sent (its own `x-…-event`, delivery and request ids), and an allowlist would drop
 * every provider-specific header no one listed.
 */
export function safeHeaders(headers: Headers, signatureHeaders: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || signatureHeaders.includes(name) || CREDENTIAL_NAME.test(name) || ORIGINAL_URL_NAMES.has(name)) {
      continue;
    }
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (CREDENTIAL_VALUE.test(text)) continue;
    kept[name] = text;
  }
  return kept;
}
