import { createApifyScheme } from './apify.js';
import { githubScheme } from './github.js';
import { hmacSha256Scheme } from './hmac-sha256.js';
import type { SignatureScheme } from './scheme.js';
import { shopifyScheme } from './shopify.js';
import { slackScheme } from './slack.js';
import { standardWebhooksScheme } from './standard-webhooks.js';
import { stripeScheme } from './stripe.js';
import { svixScheme } from './svix.js';

/** Every scheme a source may name as its `provider`, with its defaults. */
export const signatureSchemes = {
  'hmac-sha256': hmacSha256Scheme,
  'standard-webhooks': standardWebhooksScheme,
  stripe: stripeScheme,
  github: githubScheme,
  shopify: shopifyScheme,
  slack: slackScheme,
  svix: svixScheme,
  apify: createApifyScheme(),
} as const satisfies Record<string, SignatureScheme>;

export type ProviderName = keyof typeof signatureSchemes;

export const providerNames = Object.keys(signatureSchemes) as [ProviderName, ...ProviderName[]];

/** The scheme for one source: the provider's, with the source's own options applied. */
export function schemeFor(provider: ProviderName, options: { readonly tokenHeader?: string | undefined } = {}): SignatureScheme {
  if (provider === 'apify' && options.tokenHeader !== undefined) return createApifyScheme(options.tokenHeader);
  return signatureSchemes[provider];
}

export { createApifyScheme, DEFAULT_APIFY_TOKEN_HEADER } from './apify.js';
export { hmacSha256Scheme, signHmacSha256 } from './hmac-sha256.js';
export type {
  EntityPaths,
  ParsedDelivery,
  Secret,
  SignatureScheme,
  SignedRequest,
  SignInput,
  VerifyFailure,
  VerifyInput,
  VerifyResult,
} from './scheme.js';
export { createStandardWebhooksScheme, standardWebhooksKey } from './standard-webhooks.js';
export { signStripe } from './stripe.js';
