import { createHmac } from 'node:crypto';
import { headerValue } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import { bytesEqual } from './compare.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from './scheme.js';

const HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';

function signGitHub(secret: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. GitHub signs neither a
 * timestamp nor the delivery id (`X-GitHub-Delivery`), so a captured delivery verifies for ever
 * under any id: the body-hash replay guard is what makes it a duplicate.
 */
export const githubScheme: SignatureScheme = {
  name: 'github',
  // The legacy SHA-1 header is dropped too: it is a signature over the same body.
  signatureHeaders: [HEADER, 'x-hub-signature'],
  idSigned: false,
  // GitHub does not retry on its own; a delivery can be redelivered by hand for three days.
  defaultReplayGuard: { windowSeconds: 3 * 24 * 3600 },
  verify(input: VerifyInput): VerifyResult {
    const header = headerValue(input.headers, HEADER);
    if (header === undefined) return { ok: false, reason: 'missing_signature' };
    const hex = header.startsWith(PREFIX) ? header.slice(PREFIX.length) : '';
    if (!/^[0-9a-f]{64}$/i.test(hex)) return { ok: false, reason: 'invalid_signature' };
    const given = Buffer.from(hex, 'hex');
    const match = input.secrets.find((secret) => bytesEqual(given, Buffer.from(signGitHub(secret.value, input.rawBody), 'hex')));
    return match === undefined ? { ok: false, reason: 'invalid_signature' } : { ok: true, secretIndex: match.index };
  },
  sign({ secret, rawBody, eventId, eventType }) {
    return {
      headers: {
        'x-github-delivery': eventId,
        ...(eventType !== undefined && { 'x-github-event': eventType }),
        [HEADER]: `${PREFIX}${signGitHub(secret, rawBody)}`,
      },
    };
  },
  eventId: ({ headers }) => headerValue(headers, 'x-github-delivery'),
  /** `pull_request.opened`: the event header, plus the body's `action` when it has one. */
  eventType({ headers, body }) {
    const event = headerValue(headers, 'x-github-event');
    const action = readIdentifier(body, 'action');
    if (event === undefined) return action;
    return action === undefined ? event : `${event}.${action}`;
  },
};
