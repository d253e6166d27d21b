import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/sources-config.js';
import type { Headers } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import type { HandshakeReply, ParsedDelivery } from '../signatures/index.js';
import type { IncomingEvent } from './incoming-event.js';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { parseBody } from './parse-body.js';
import { safeHeaders } from './safe-headers.js';

export interface Delivery {
  readonly headers: Headers;
  readonly rawBody: Buffer;
  /** Query parameters of the request URL (Apify's `?token=`). */
  readonly query?: Readonly<Record<string, unknown>>;
  /** The URL the sender addressed (the source's `url` when set): Twilio and Square sign it. */
  readonly url?: string;
  readonly method?: string;
  readonly receivedAt: number;
}

export type RejectionCode =
  | 'missing_signature'
  | 'invalid_signature'
  | 'timestamp_out_of_tolerance'
  | 'malformed_body'
  | 'missing_event_id';

/**
 * What the enqueuer remembers for a source with a replay guard: the SHA-256 (hex) of the raw
 * body (with the event type first when the guard is by type), for `windowSeconds`.
 */
export interface ReplayMark {
  readonly digest: string;
  readonly windowSeconds: number;
}

export type PrepareResult =
  | {
      readonly ok: true;
      readonly kind: 'event';
      readonly event: IncomingEvent;
      readonly secretIndex: number;
      /** Present when the source guards against replays under a fresh event id. */
      readonly replayMark?: ReplayMark;
    }
  /** A verified handshake (Slack's url_verification): answer with `reply`, store nothing. */
  | {
      readonly ok: true;
      readonly kind: 'handshake';
      readonly reply: HandshakeReply;
      readonly secretIndex: number;
    }
  | { readonly ok: false; readonly status: 400 | 401; readonly code: RejectionCode; readonly message: string };

const messages: Record<RejectionCode, string> = {
  missing_signature: 'the signature headers are missing',
  invalid_signature: 'the signature does not match any configured secret',
  timestamp_out_of_tolerance: 'the signed timestamp is outside the allowed tolerance',
  malformed_body: `the body is not a JSON object (or a form) in UTF-8, nested at most ${MAX_JSON_DEPTH} deep`,
  missing_event_id: 'no event id was found in the delivery',
};

function reject(status: 400 | 401, code: RejectionCode): PrepareResult {
  return { ok: false, status, code, message: messages[code] };
}

/**
 * `sha256-<hex>` of the raw body; with a window, the start of the window the delivery fell in
 * is appended, so identical bodies in different windows stay distinct events.
 */
function contentHashId(source: SourceConfig, delivery: Delivery): string | undefined {
  if (source.contentHashDedupe === false) return undefined;
  const hash = `sha256-${createHash('sha256').update(delivery.rawBody).digest('hex')}`;
  const { windowSeconds } = source.contentHashDedupe;
  if (windowSeconds === undefined) return hash;
  const receivedSeconds = Math.floor(delivery.receivedAt / 1000);
  return `${hash}-${receivedSeconds - (receivedSeconds % windowSeconds)}`;
}

function replayMarkOf(source: SourceConfig, delivery: Delivery, eventType: string | undefined): ReplayMark | undefined {
  if (source.replayGuard === false) return undefined;
  const hash = createHash('sha256');
  // The type and body are separated by a NUL, which no event type contains.
  if (source.replayGuard.byType === true) hash.update(`${eventType ?? ''}\0`);
  return { digest: hash.update(delivery.rawBody).digest('hex'), windowSeconds: source.replayGuard.windowSeconds };
}

function findEventId(source: SourceConfig, delivery: Delivery, parsed: ParsedDelivery): string | undefined {
  const own = source.scheme.eventId(parsed);
  if (own !== undefined) return own;
  for (const path of source.eventIdPaths) {
    const id = readIdentifier(parsed.body, path);
    if (id !== undefined) return id;
  }
  return contentHashId(source, delivery);
}

export type DescribeResult =
  | { readonly ok: true; readonly kind: 'event'; readonly event: IncomingEvent; readonly replayMark?: ReplayMark }
  | { readonly ok: true; readonly kind: 'handshake'; readonly reply: HandshakeReply }
  | { readonly ok: false; readonly code: 'malformed_body' | 'missing_event_id' };

/**
 * What an authenticated delivery is about: its body parsed, its event id, type, entity and
 * status found as the source says. The ingester calls it after the signature verified (with the
 * secret that matched, which a handshake may need); reconciliation calls it for deliveries read
 * from the provider's own API, which the API token authenticates, so that a recovered copy
 * becomes exactly the event a delivery would.
 */
export function describeDelivery(source: SourceConfig, delivery: Delivery, secret?: string): DescribeResult {
  const parsedBody = parseBody(delivery.headers, delivery.rawBody);
  if (parsedBody === undefined) return { ok: false, code: 'malformed_body' };
  const parsed: ParsedDelivery = { headers: delivery.headers, body: parsedBody.body };

  const reply = secret === undefined ? undefined : source.scheme.handshake?.(parsed, secret);
  if (reply !== undefined) return { ok: true, kind: 'handshake', reply };

  const eventId = findEventId(source, delivery, parsed);
  if (eventId === undefined) return { ok: false, code: 'missing_event_id' };

  const eventType =
    source.eventTypePath !== undefined ? readIdentifier(parsed.body, source.eventTypePath) : source.scheme.eventType(parsed);
  const replayMark = replayMarkOf(source, delivery, eventType);
  return {
    ok: true,
    kind: 'event',
    ...(replayMark && { replayMark }),
    event: {
      source: source.name,
      eventId,
      eventType: eventType ?? null,
      entityId: source.entity ? (readIdentifier(parsed.body, source.entity.id) ?? null) : null,
      status: source.entity ? (readIdentifier(parsed.body, source.entity.status) ?? null) : null,
      rawBody: parsedBody.text,
      ...(parsedBody.payloadJson !== undefined && { payloadJson: parsedBody.payloadJson }),
      headers: safeHeaders(delivery.headers, source.scheme.signatureHeaders),
      receivedAt: delivery.receivedAt,
    },
  };
}

/**
 * Turns a delivery into an event ready to enqueue, or says which check it failed.
 * The signature is checked on the exact received bytes before anything parses them.
 */
export function prepareEvent(source: SourceConfig, delivery: Delivery): PrepareResult {
  const verdict = source.scheme.verify({
    headers: delivery.headers,
    rawBody: delivery.rawBody,
    ...(delivery.query && { query: delivery.query }),
    ...(delivery.url !== undefined && { url: delivery.url }),
    ...(delivery.method !== undefined && { method: delivery.method }),
    secrets: source.secrets,
    nowSeconds: Math.floor(delivery.receivedAt / 1000),
    toleranceSeconds: source.toleranceSeconds,
  });
  if (!verdict.ok) return reject(401, verdict.reason);
  const secret = source.secrets.find((candidate) => candidate.index === verdict.secretIndex);
  const described = describeDelivery(source, delivery, secret?.value);
  if (!described.ok) return reject(400, described.code);
  return { ...described, secretIndex: verdict.secretIndex };
}
