import { type Headers, headerValue } from '../headers.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/** A verified body, read for extraction and storage. */
export interface ParsedBody {
  /** The raw body as text: stored byte-exact as `raw_body`. */
  readonly text: string;
  readonly body: Record<string, unknown>;
  /** JSON text to store as `payload` when the raw body is not JSON itself (form-encoded). */
  readonly payloadJson?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const FORM = 'application/x-www-form-urlencoded';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Form fields as an object: each field a string, a repeated field an array of strings. A form
 * that is a single `payload` field holding a JSON object (GitHub's form content type, Slack's
 * interactivity) is that object, so it is read and stored as if it had been sent as JSON.
 */
function parseForm(text: string): Record<string, unknown> {
  const fields: Record<string, string | string[]> = Object.create(null);
  // One pass over the fields: `getAll` per distinct name rescans the whole form each time,
  // which made a 1 MiB form of distinct names take about a minute.
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = fields[name];
    if (seen === undefined) fields[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else fields[name] = [seen, value];
  }
  const names = Object.keys(fields);
  if (names.length === 1 && names[0] === 'payload' && typeof fields.payload === 'string') {
    const inner = parseJsonObject(fields.payload);
    if (inner !== undefined) return inner;
  }
  return fields;
}

function isForm(headers: Headers): boolean {
  return headerValue(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase() === FORM;
}

/** What `payloadText` reads: an event as enqueued (with `payloadJson` when the edge set it) or as stored. */
export interface PayloadSource {
  readonly headers: Headers;
  readonly rawBody: string;
  readonly payloadJson?: string | undefined;
}

/**
 * The one rule for an event's payload as JSON text: a form's fields as JSON, any other body as
 * it is. What Postgres stores as `payload`, what handlers parse, what forwards splice in and
 * what the admin's replay enqueues. The edge computes it once for forms (`payloadJson`); code
 * that has only the stored body and headers computes it again the same way.
 */
export function payloadText(event: PayloadSource): string {
  if (event.payloadJson !== undefined) return event.payloadJson;
  return isForm(event.headers) ? JSON.stringify(parseForm(event.rawBody)) : event.rawBody;
}

/**
 * Reads a verified body: form-encoded when the content type says so, JSON otherwise. Undefined
 * when it is not valid UTF-8 (text with replaced bytes would not be what was signed), not an
 * object, or nested deeper than could ever be stored.
 */
export function parseBody(headers: Headers, rawBody: Buffer): ParsedBody | undefined {
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    return undefined;
  }
  if (isForm(headers)) {
    const body = parseForm(text);
    return { text, body, payloadJson: JSON.stringify(body) };
  }
  const body = parseJsonObject(text);
  return body === undefined ? undefined : { text, body };
}
