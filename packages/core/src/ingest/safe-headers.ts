import type { Headers } from '../headers.js';

// Anything that could carry a credential: signatures, tokens, cookies, auth.
const CREDENTIAL = /signature|secret|token|authorization|cookie|hmac|api-key/i;

/** Headers worth keeping with the event, minus the scheme's signature headers and any credential. */
export function safeHeaders(headers: Headers, signatureHeaders: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || signatureHeaders.includes(name) || CREDENTIAL.test(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}
