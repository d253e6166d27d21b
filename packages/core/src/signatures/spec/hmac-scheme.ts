import { createHmac } from 'node:crypto';
import { headerValue } from '../../headers.js';
import { bytesEqual, notTooOld, withinTolerance } from '../compare.js';
import type { HandshakeReply, ParsedDelivery, SignatureScheme, VerifyInput, VerifyResult } from '../scheme.js';
import { standardWebhooksKey } from '../standard-webhooks.js';
import { compileTemplate, fillTemplate, uses } from './content.js';
import { type HmacSpec, type HmacSpecInput, hmacSpecSchema } from './hmac-spec.js';
import { headerOf, readFirst, readLocator, readsBodyOnly } from './locator.js';
import { formatTimestamp, parseTimestamp } from './timestamp.js';

const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;
/** A custom sender's redelivery window is unknown: a day covers the retry schedules of most senders. */
const UNKNOWN_REDELIVERY_WINDOW_SECONDS = 24 * 3600;

/** What a preset written in code adds to, or replaces in, the scheme its data describes. */
export type SchemeExtras = Partial<
  Pick<
    SignatureScheme,
    'eventId' | 'eventType' | 'handshake' | 'defaultEntity' | 'defaultStatuses' | 'defaultReplayGuard' | 'signatureHeaders'
  >
>;

function decoder(spec: HmacSpec): (text: string) => Buffer | undefined {
  const bytes = DIGEST_BYTES[spec.algorithm];
  if (spec.encoding === 'hex') {
    const pattern = new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);
    return (text) => (pattern.test(text) ? Buffer.from(text, 'hex') : undefined);
  }
  // Strict: Buffer.from would silently skip stray characters.
  const padding = (3 - (bytes % 3)) % 3;
  const pattern = new RegExp(`^[A-Za-z0-9+/]{${Math.ceil(bytes / 3) * 4 - padding}}={${padding}}$`);
  return (text) => (pattern.test(text) ? Buffer.from(text, 'base64') : undefined);
}

function reply(spec: NonNullable<HmacSpec['challenge']>, delivery: ParsedDelivery): HandshakeReply | undefined {
  if ('text' in spec.reply) return readLocator(spec.reply.text, delivery);
  const json: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(spec.reply.json)) {
    json[name] = typeof value === 'string' && /^(header|body):/.test(value) ? readLocator(value, delivery) : value;
  }
  return json;
}

function bodyOf(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A signature scheme from its description: the HMAC family most senders belong to. Checks are
 * made in the order every preset follows: headers present, well-formed, a secret matches (in
 * constant time, on the exact bytes received), and only then the clock.
 */
export function createHmacScheme(name: string, input: HmacSpecInput, extras: SchemeExtras = {}): SignatureScheme {
  const spec = hmacSpecSchema.parse(input);
  const template = compileTemplate(spec.content);
  const decode = decoder(spec);
  const pairs = spec.signature.pairs;
  const idHeader = headerOf(spec.id?.[0]);
  const typeHeader = headerOf(spec.type?.[0]);
  const timestampHeader = headerOf(spec.timestamp?.from);
  const timestampFormat = spec.timestamp?.format ?? 'unix';
  const needsTimestamp = uses(template, 'timestamp') || spec.tolerance !== undefined;
  const idSigned = uses(template, 'id') || (spec.id?.every(readsBodyOnly) === true && uses(template, 'body'));
  const keyOf = (secret: string) => (spec.key === 'base64' ? standardWebhooksKey(secret) : Buffer.from(secret));
  const sign = (secret: string, content: Buffer) => createHmac(spec.algorithm, keyOf(secret)).update(content).digest();

  /** The candidate signatures and the timestamp they carry, from every signature header present. */
  function readSignatures(input: VerifyInput): { given: Buffer[]; pairTimestamp?: string } | undefined {
    const values = spec.signature.headers.flatMap((header) => headerValue(input.headers, header) ?? []);
    if (values.length === 0) return undefined;
    const given: Buffer[] = [];
    let pairTimestamp: string | undefined;
    for (const value of values) {
      if (spec.signature.prefix !== undefined && !value.startsWith(spec.signature.prefix)) continue;
      const unprefixed = value.slice(spec.signature.prefix?.length ?? 0);
      if (pairs === undefined) {
        const decoded = decode(unprefixed);
        if (decoded) given.push(decoded);
        continue;
      }
      for (const item of unprefixed.split(pairs.separator)) {
        const at = item.indexOf(pairs.assign);
        if (at < 0) continue;
        const key = item.slice(0, at).trim();
        const text = item.slice(at + pairs.assign.length).trim();
        if (key === pairs.timestamp) pairTimestamp = text;
        const decoded = key === pairs.signature ? decode(text) : undefined;
        if (decoded) given.push(decoded);
      }
    }
    return { given, ...(pairTimestamp !== undefined && { pairTimestamp }) };
  }

  function verify(input: VerifyInput): VerifyResult {
    const signatures = readSignatures(input);
    const id = idHeader === undefined ? '' : headerValue(input.headers, idHeader);
    const headerTimestamp = timestampHeader === undefined ? undefined : headerValue(input.headers, timestampHeader);
    if (signatures === undefined || (uses(template, 'id') && id === undefined)) return { ok: false, reason: 'missing_signature' };
    if (needsTimestamp && timestampHeader !== undefined && headerTimestamp === undefined) {
      return { ok: false, reason: 'missing_signature' };
    }
    const timestampText =
      signatures.pairTimestamp ??
      headerTimestamp ??
      (spec.timestamp === undefined
        ? undefined
        : readLocator(spec.timestamp.from, { headers: input.headers, body: bodyOf(input.rawBody) }));
    const timestamp = timestampText === undefined ? undefined : parseTimestamp(timestampText, timestampFormat);
    if (signatures.given.length === 0 || (needsTimestamp && timestamp === undefined)) {
      return { ok: false, reason: 'invalid_signature' };
    }
    const content = fillTemplate(template, {
      id: id ?? '',
      timestamp: timestampText ?? '',
      body: input.rawBody,
      url: input.url ?? '',
      method: input.method ?? 'POST',
    });
    const match = input.secrets.find((secret) => {
      const expected = sign(secret.value, content);
      return signatures.given.some((signature) => bytesEqual(signature, expected));
    });
    if (match === undefined) return { ok: false, reason: 'invalid_signature' };
    if (spec.tolerance !== undefined && timestamp !== undefined) {
      const inTime = spec.tolerance.direction === 'past' ? notTooOld : withinTolerance;
      if (!inTime(timestamp, input.nowSeconds, input.toleranceSeconds))
        return { ok: false, reason: 'timestamp_out_of_tolerance' };
    }
    return { ok: true, secretIndex: match.index };
  }

  const toleranceSeconds = spec.tolerance?.seconds;
  const guardSeconds =
    toleranceSeconds === undefined
      ? UNKNOWN_REDELIVERY_WINDOW_SECONDS
      : toleranceSeconds * (spec.tolerance?.direction === 'past' ? 1 : 2);
  return {
    name,
    signatureHeaders: spec.signature.headers,
    ...(toleranceSeconds !== undefined && { defaultToleranceSeconds: toleranceSeconds }),
    idSigned,
    ...(!idSigned && { defaultReplayGuard: { windowSeconds: guardSeconds } }),
    verify,
    sign({ secret, rawBody, nowSeconds, eventId, eventType, url }) {
      const fromBody =
        spec.timestamp && !timestampHeader ? readLocator(spec.timestamp.from, { headers: {}, body: bodyOf(rawBody) }) : undefined;
      const timestamp = fromBody ?? formatTimestamp(nowSeconds, timestampFormat);
      const content = fillTemplate(template, { id: eventId, timestamp, body: rawBody, url: url ?? '', method: 'POST' });
      const signature = sign(secret, content).toString(spec.encoding);
      const value = pairs
        ? `${pairs.timestamp === undefined ? '' : `${pairs.timestamp}${pairs.assign}${timestamp}${pairs.separator}`}${pairs.signature}${pairs.assign}${signature}`
        : signature;
      return {
        headers: {
          ...(idHeader !== undefined && { [idHeader]: eventId }),
          ...(typeHeader !== undefined && eventType !== undefined && { [typeHeader]: eventType }),
          ...(timestampHeader !== undefined && needsTimestamp && { [timestampHeader]: timestamp }),
          [spec.signature.headers[0] as string]: `${spec.signature.prefix ?? ''}${value}`,
        },
      };
    },
    eventId: (delivery) => readFirst(spec.id, delivery),
    eventType: (delivery) => readFirst(spec.type, delivery),
    ...(spec.challenge && {
      handshake: (delivery: ParsedDelivery) => {
        const challenge = spec.challenge;
        return challenge && readLocator(challenge.when, delivery) === challenge.equals ? reply(challenge, delivery) : undefined;
      },
    }),
    ...extras,
  };
}
