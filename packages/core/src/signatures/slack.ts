import { createHmac } from 'node:crypto';
import { headerValue } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import { bytesEqual, notTooOld, parseUnixSeconds } from './compare.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from './scheme.js';

const HEADER = 'x-slack-signature';
const TIMESTAMP = 'x-slack-request-timestamp';
const PREFIX = 'v0=';

function signSlack(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<X-Slack-Request-Timestamp>:<raw body>">`,
 * keyed with the app's signing secret. Events API bodies are JSON; slash commands and
 * interactivity are form-encoded, and both are signed over the bytes as sent.
 */
export const slackScheme: SignatureScheme = {
  name: 'slack',
  signatureHeaders: [HEADER],
  defaultToleranceSeconds: 300,
  idSigned: true,
  verify(input: VerifyInput): VerifyResult {
    const header = headerValue(input.headers, HEADER);
    const timestampHeader = headerValue(input.headers, TIMESTAMP);
    if (header === undefined || timestampHeader === undefined) return { ok: false, reason: 'missing_signature' };
    const timestamp = parseUnixSeconds(timestampHeader);
    const hex = header.startsWith(PREFIX) ? header.slice(PREFIX.length) : '';
    if (timestamp === undefined || !/^[0-9a-f]{64}$/i.test(hex)) return { ok: false, reason: 'invalid_signature' };
    const given = Buffer.from(hex, 'hex');
    const match = input.secrets.find((secret) =>
      bytesEqual(given, Buffer.from(signSlack(secret.value, timestampHeader, input.rawBody), 'hex')),
    );
    if (match === undefined) return { ok: false, reason: 'invalid_signature' };
    // Like Slack's Bolt, only a timestamp too far in the past is refused.
    if (!notTooOld(timestamp, input.nowSeconds, input.toleranceSeconds)) {
      return { ok: false, reason: 'timestamp_out_of_tolerance' };
    }
    return { ok: true, secretIndex: match.index };
  },
  sign({ secret, rawBody, nowSeconds }) {
    const timestamp = String(nowSeconds);
    return { headers: { [TIMESTAMP]: timestamp, [HEADER]: `${PREFIX}${signSlack(secret, timestamp, rawBody)}` } };
  },
  /**
   * Events API callbacks carry `event_id`, which Slack's retries (`X-Slack-Retry-Num`) repeat;
   * slash commands and interactions have no event id, but a `trigger_id` unique per invocation.
   */
  eventId: ({ body }) => readIdentifier(body, 'event_id') ?? readIdentifier(body, 'trigger_id'),
  /** The inner event's type for Events API callbacks, the command for slash commands, else `type`. */
  eventType({ body }) {
    if (body.type === 'event_callback') return readIdentifier(body, 'event.type') ?? 'event_callback';
    return readIdentifier(body, 'command') ?? readIdentifier(body, 'type');
  },
  handshake: ({ body }) =>
    body.type === 'url_verification' && typeof body.challenge === 'string' ? { challenge: body.challenge } : undefined,
};
