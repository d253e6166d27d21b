import { createHash, createHmac } from 'node:crypto';
import { headerValue } from '../../headers.js';
import { bytesEqual } from '../compare.js';
import type { SignatureScheme, SignInput, VerifyInput, VerifyResult } from '../scheme.js';
import { readFirst } from '../spec/locator.js';

const HEADER = 'x-twilio-signature';
const SETTINGS = 'x-twilio-webhooks-signature-settings';
const FORM = 'application/x-www-form-urlencoded';

/** `HMAC_SHA256` in the settings header selects SHA-256 (SharedKey webhooks); otherwise SHA-1. */
function algorithmOf(settings: string | undefined): 'sha1' | 'sha256' {
  const named = settings?.split(',').find((part) => part.trim().startsWith('algorithm='));
  return named?.split('=')[1]?.trim().toUpperCase() === 'HMAC_SHA256' ? 'sha256' : 'sha1';
}

/** The URL, then each parameter name and value in name order (repeated values sorted, once each). */
function signedText(url: string, params: URLSearchParams | undefined): string {
  if (params === undefined) return url;
  return [...new Set(params.keys())].sort().reduce(
    (text, name) =>
      text +
      [...new Set(params.getAll(name))]
        .sort()
        .map((value) => name + value)
        .join(''),
    url,
  );
}

/** Twilio signs the URL as configured, with or without the scheme's default port: both are tried. */
function urlVariants(url: string): string[] {
  const match = /^(https?:\/\/[^/?#:]+)(?::(\d+))?(.*)$/s.exec(url);
  if (match === null) return [url];
  const [, origin = '', port, rest = ''] = match;
  const defaultPort = origin.startsWith('https:') ? '443' : '80';
  if (port !== undefined && port !== defaultPort) return [url];
  return [`${origin}${rest}`, `${origin}:${defaultPort}${rest}`];
}

const isForm = (contentType: string | undefined) => contentType?.split(';')[0]?.trim().toLowerCase() === FORM;
const sha256Hex = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/**
 * Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1 (auth token) of the URL + sorted form fields>`.
 * A JSON body is not in the signed text; the URL carries `bodySHA256=<hex SHA-256 of the body>`
 * instead, and that hash is checked too. Set the source's `url` to the URL configured in Twilio.
 */
export const twilioScheme: SignatureScheme = {
  name: 'twilio',
  signatureHeaders: [HEADER],
  // The idempotency token is not signed; identical form fields are the same callback.
  idSigned: false,
  defaultReplayGuard: { windowSeconds: 24 * 3600 },
  verify(input: VerifyInput): VerifyResult {
    const header = headerValue(input.headers, HEADER);
    if (header === undefined) return { ok: false, reason: 'missing_signature' };
    const algorithm = algorithmOf(headerValue(input.headers, SETTINGS));
    const bytes = algorithm === 'sha1' ? 20 : 32;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(header) || Buffer.from(header, 'base64').length !== bytes) {
      return { ok: false, reason: 'invalid_signature' };
    }
    const given = Buffer.from(header, 'base64');
    const url = input.url ?? '';
    const bodyHash = URL.parse(url)?.searchParams.get('bodySHA256');
    let params: URLSearchParams | undefined;
    if (bodyHash !== null && bodyHash !== undefined) {
      // Plain string compare is enough: the hash is of public data, its URL is what is signed.
      if (bodyHash !== sha256Hex(input.rawBody)) return { ok: false, reason: 'invalid_signature' };
    } else {
      params = new URLSearchParams(input.rawBody.toString('utf8'));
    }
    const candidates = urlVariants(url).map((variant) => Buffer.from(signedText(variant, params)));
    const match = input.secrets.find((secret) =>
      candidates.some((text) => bytesEqual(given, createHmac(algorithm, secret.value).update(text).digest())),
    );
    return match === undefined ? { ok: false, reason: 'invalid_signature' } : { ok: true, secretIndex: match.index };
  },
  sign({ secret, rawBody, eventId, url = '', contentType }: SignInput) {
    const idempotency = { 'i-twilio-idempotency-token': eventId };
    if (isForm(contentType ?? FORM)) {
      const text = signedText(url, new URLSearchParams(rawBody.toString('utf8')));
      return { headers: { ...idempotency, [HEADER]: createHmac('sha1', secret).update(text).digest('base64') } };
    }
    const bodySHA256 = sha256Hex(rawBody);
    const signedUrl = `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${bodySHA256}`;
    return {
      headers: { ...idempotency, [HEADER]: createHmac('sha1', secret).update(signedUrl).digest('base64') },
      query: { bodySHA256 },
    };
  },
  eventId: (delivery) =>
    readFirst(
      ['header:i-twilio-idempotency-token', 'body:MessageSid+body:MessageStatus', 'body:CallSid+body:CallStatus', 'body:Sid'],
      delivery,
    ),
  eventType: (delivery) => readFirst(['body:MessageStatus', 'body:CallStatus', 'body:EventType'], delivery),
  defaultEntity: { id: 'MessageSid', status: 'MessageStatus' },
  // A message's delivery lifecycle; WhatsApp adds `read` after `delivered`.
  defaultStatuses: {
    ranks: {
      accepted: 1,
      scheduled: 1,
      queued: 2,
      sending: 3,
      sent: 4,
      delivered: 5,
      undelivered: 5,
      failed: 5,
      canceled: 5,
      read: 6,
    },
    terminal: ['undelivered', 'failed', 'canceled', 'read'],
  },
};
