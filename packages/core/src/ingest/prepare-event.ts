import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/sources-config.js';
import { type Headers, headerValue } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import type { IncomingEvent } from './incoming-event.js';
import { safeHeaders } from './safe-headers.js';

export interface Delivery {
  readonly headers: Headers;
  readonly rawBody: Buffer;
  readonly receivedAt: number;
}

export type RejectionCode =
  | 'missing_signature'
  | 'invalid_signature'
  | 'timestamp_out_of_tolerance'
  | 'malformed_body'
  | 'missing_event_id';

export type PrepareResult =
  | { readonly ok: true; readonly event: IncomingEvent; readonly secretIndex: number }
  | { readonly ok: false; readonly status: 400 | 401; readonly code: RejectionCode; readonly message: string };

const messages: Record<RejectionCode, string> = {
  missing_signature: 'the signature headers are missing',
  invalid_signature: 'the signature does not match any configured secret',
  timestamp_out_of_tolerance: 'the signed timestamp is outside the allowed tolerance',
  malformed_body: 'the body is not a JSON object in UTF-8',
  missing_event_id: 'no event id was found in the delivery',
};

function reject(status: 400 | 401, code: RejectionCode): PrepareResult {
  return { ok: false, status, code, message: messages[code] };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseObject(rawBody: Buffer): { text: string; body: Record<string, unknown> } | undefined {
  try {
    const text = utf8.decode(rawBody);
    const body: unknown = JSON.parse(text);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
    return { text, body: body as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

function findEventId(source: SourceConfig, delivery: Delivery, body: unknown): string | undefined {
  const fromHeader = source.scheme.eventIdHeader && headerValue(delivery.headers, source.scheme.eventIdHeader);
  if (fromHeader) return fromHeader;
  for (const path of source.eventIdPaths) {
    const id = readIdentifier(body, path);
    if (id !== undefined) return id;
  }
  if (source.contentHashDedupe) return `sha256-${createHash('sha256').update(delivery.rawBody).digest('hex')}`;
  return undefined;
}

/**
 * Turns a delivery into an event ready to enqueue, or says which check it failed.
 * The signature is checked on the exact received bytes before anything parses them.
 */
export function prepareEvent(source: SourceConfig, delivery: Delivery): PrepareResult {
  const verdict = source.scheme.verify({
    headers: delivery.headers,
    rawBody: delivery.rawBody,
    secrets: source.secrets,
    nowSeconds: Math.floor(delivery.receivedAt / 1000),
    toleranceSeconds: source.toleranceSeconds,
  });
  if (!verdict.ok) return reject(401, verdict.reason);

  const parsed = parseObject(delivery.rawBody);
  if (parsed === undefined) return reject(400, 'malformed_body');

  const eventId = findEventId(source, delivery, parsed.body);
  if (eventId === undefined) return reject(400, 'missing_event_id');

  return {
    ok: true,
    secretIndex: verdict.secretIndex,
    event: {
      source: source.name,
      eventId,
      eventType: readIdentifier(parsed.body, source.eventTypePath) ?? null,
      entityId: source.entity ? (readIdentifier(parsed.body, source.entity.id) ?? null) : null,
      status: source.entity ? (readIdentifier(parsed.body, source.entity.status) ?? null) : null,
      rawBody: parsed.text,
      headers: safeHeaders(delivery.headers, source.scheme.signatureHeaders),
      receivedAt: delivery.receivedAt,
    },
  };
}
