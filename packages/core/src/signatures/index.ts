import { hmacSha256Scheme } from './hmac-sha256.js';
import type { SignatureScheme } from './scheme.js';
import { standardWebhooksScheme } from './standard-webhooks.js';

/** Every scheme a source may name as its `provider`. */
export const signatureSchemes = {
  'hmac-sha256': hmacSha256Scheme,
  'standard-webhooks': standardWebhooksScheme,
} as const satisfies Record<string, SignatureScheme>;

export type ProviderName = keyof typeof signatureSchemes;

export const providerNames = Object.keys(signatureSchemes) as [ProviderName, ...ProviderName[]];

export { signHmacSha256 } from './hmac-sha256.js';
export type { Secret, SignatureScheme, VerifyFailure, VerifyInput, VerifyResult } from './scheme.js';
export { isStandardWebhooksSecret, signStandardWebhooks, standardWebhooksKey } from './standard-webhooks.js';
