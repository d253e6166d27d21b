import { type Headers, headerValue } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import { tokensEqual } from './compare.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from './scheme.js';

/** The header Apify's headers template is told to send when the source names none. */
export const DEFAULT_APIFY_TOKEN_HEADER = 'x-hookline-token';
const QUERY_PARAMETER = 'token';
const DISPATCH_ID = 'x-apify-webhook-dispatch-id';

function givenToken(headers: Headers, header: string, query: VerifyInput['query']): string | undefined {
  const fromHeader = headerValue(headers, header);
  if (fromHeader !== undefined) return header === 'authorization' ? fromHeader.replace(/^Bearer /i, '') : fromHeader;
  const fromQuery = query?.[QUERY_PARAMETER];
  return typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined;
}

/**
 * Apify does not sign its webhooks. It can send a secret in a header (its "headers template")
 * or in the URL, so this checks a shared token: the configured header, else `?token=`,
 * compared in constant time. No timestamp: replay protection rests on the dispatch id.
 */
export function createApifyScheme(tokenHeader: string = DEFAULT_APIFY_TOKEN_HEADER): SignatureScheme {
  const header = tokenHeader.toLowerCase();
  return {
    name: 'apify',
    signatureHeaders: [header],
    // Nothing is signed: whoever holds a captured delivery holds the token itself and can send
    // any body, so a body-hash guard would protect nothing. The remedy is rotating the token.
    idSigned: false,
    verify(input: VerifyInput): VerifyResult {
      const token = givenToken(input.headers, header, input.query);
      if (token === undefined) return { ok: false, reason: 'missing_signature' };
      // Every secret is compared, so the timing does not tell which one matched.
      const matches = input.secrets.map((secret) => tokensEqual(token, secret.value));
      const index = matches.indexOf(true);
      const match = input.secrets[index];
      return match === undefined ? { ok: false, reason: 'invalid_signature' } : { ok: true, secretIndex: match.index };
    },
    sign({ secret, eventId }) {
      return { headers: { [header]: header === 'authorization' ? `Bearer ${secret}` : secret, [DISPATCH_ID]: eventId } };
    },
    /** The dispatch id, which Apify's retries repeat; without it, the event type and the run. */
    eventId({ headers, body }) {
      const dispatchId = headerValue(headers, DISPATCH_ID);
      if (dispatchId !== undefined) return dispatchId;
      const eventType = readIdentifier(body, 'eventType');
      const resourceId = readIdentifier(body, 'resource.id');
      return eventType !== undefined && resourceId !== undefined ? `${eventType}:${resourceId}` : undefined;
    },
    eventType: ({ body }) => readIdentifier(body, 'eventType'),
    defaultEntity: { id: 'resource.id', status: 'resource.status' },
    defaultStatuses: {
      ranks: {
        READY: 1,
        RUNNING: 2,
        'TIMING-OUT': 3,
        ABORTING: 3,
        SUCCEEDED: 4,
        FAILED: 4,
        'TIMED-OUT': 4,
        ABORTED: 4,
      },
      terminal: ['SUCCEEDED', 'FAILED', 'TIMED-OUT', 'ABORTED'],
      // A resurrected run really does leave its finished status and run again.
      reopen: [{ eventTypes: ['ACTOR.RUN.RESURRECTED'], from: ['SUCCEEDED', 'FAILED', 'TIMED-OUT', 'ABORTED'] }],
    },
  };
}
