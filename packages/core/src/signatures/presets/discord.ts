import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { headerValue } from '../../headers.js';
import { readIdentifier } from '../../json-path.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from '../scheme.js';

const SIGNATURE = 'x-signature-ed25519';
const TIMESTAMP = 'x-signature-timestamp';
// DER headers that turn 32 raw ed25519 key bytes into SPKI (public) and PKCS#8 (private) keys.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An application's public key as Discord shows it: 64 hex digits. */
function publicKey(hex: string): KeyObject | undefined {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return undefined;
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/** The ed25519 signature Discord would send: for tests and `hookline sign`, given a 32-byte private seed in hex. */
export function signEd25519(seedHex: string, message: Buffer): string {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' });
  return sign(null, message, key).toString('hex');
}

/** The public key (hex) of a 32-byte ed25519 seed (hex). */
export function ed25519PublicKey(seedHex: string): string {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length).toString('hex');
}

/**
 * Discord interactions: `X-Signature-Ed25519: <hex ed25519 signature of timestamp + body>` with
 * `X-Signature-Timestamp`, checked against the application's public key (the "secret"). A PING
 * (`type` 1) is answered `{"type":1}`. The timestamp is not held to a window, as in Discord's own
 * library: the interaction id is in the signed body, so a replay is a duplicate.
 */
export const discordScheme: SignatureScheme = {
  name: 'discord',
  signatureHeaders: [SIGNATURE],
  idSigned: true,
  verify(input: VerifyInput): VerifyResult {
    const signature = headerValue(input.headers, SIGNATURE);
    const timestamp = headerValue(input.headers, TIMESTAMP);
    if (signature === undefined || timestamp === undefined) return { ok: false, reason: 'missing_signature' };
    if (!/^[0-9a-f]{128}$/i.test(signature)) return { ok: false, reason: 'invalid_signature' };
    const message = Buffer.concat([Buffer.from(timestamp), input.rawBody]);
    const given = Buffer.from(signature, 'hex');
    const match = input.secrets.find((secret) => {
      const key = publicKey(secret.value);
      return key !== undefined && verify(null, message, key, given);
    });
    return match === undefined ? { ok: false, reason: 'invalid_signature' } : { ok: true, secretIndex: match.index };
  },
  /** `secret` is the private seed here: Discord's public key cannot sign. */
  sign({ secret, rawBody, nowSeconds }) {
    const timestamp = String(nowSeconds);
    return {
      headers: { [TIMESTAMP]: timestamp, [SIGNATURE]: signEd25519(secret, Buffer.concat([Buffer.from(timestamp), rawBody])) },
    };
  },
  eventId: ({ body }) => readIdentifier(body, 'id'),
  /** Interactions carry a number type; commands and components name themselves in `data`. */
  eventType: ({ body }) =>
    readIdentifier(body, 'data.name') ?? readIdentifier(body, 'data.custom_id') ?? readIdentifier(body, 'type'),
  handshake: ({ body }) => (body.type === 1 ? { type: 1 } : undefined),
};
