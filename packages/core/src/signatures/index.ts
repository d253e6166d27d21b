import { createApifyScheme } from './apify.js';
import { githubScheme } from './github.js';
import { hmacSha256Scheme } from './hmac-sha256.js';
import {
  bitbucketScheme,
  docuSignScheme,
  intercomScheme,
  lemonSqueezyScheme,
  lineScheme,
  razorpayScheme,
  sentryScheme,
  squareScheme,
  typeformScheme,
  vercelScheme,
  wooCommerceScheme,
} from './presets/body-signed.js';
import { discordScheme } from './presets/discord.js';
import { clerkScheme, openAiScheme, polarScheme, replicateScheme, resendScheme } from './presets/svix-family.js';
import {
  calendlyScheme,
  linearScheme,
  muxScheme,
  paddleScheme,
  personaScheme,
  twitchScheme,
  zendeskScheme,
} from './presets/timestamped.js';
import { gitlabScheme, postmarkScheme } from './presets/token.js';
import { twilioScheme } from './presets/twilio.js';
import { zoomScheme } from './presets/zoom.js';
import type { SignatureScheme } from './scheme.js';
import { shopifyScheme } from './shopify.js';
import { slackScheme } from './slack.js';
import { createHmacScheme } from './spec/hmac-scheme.js';
import type { HmacSpecInput } from './spec/hmac-spec.js';
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
  bitbucket: bitbucketScheme,
  calendly: calendlyScheme,
  clerk: clerkScheme,
  discord: discordScheme,
  docusign: docuSignScheme,
  gitlab: gitlabScheme,
  intercom: intercomScheme,
  lemonsqueezy: lemonSqueezyScheme,
  line: lineScheme,
  linear: linearScheme,
  mux: muxScheme,
  openai: openAiScheme,
  paddle: paddleScheme,
  persona: personaScheme,
  polar: polarScheme,
  postmark: postmarkScheme,
  razorpay: razorpayScheme,
  replicate: replicateScheme,
  resend: resendScheme,
  sentry: sentryScheme,
  square: squareScheme,
  twilio: twilioScheme,
  twitch: twitchScheme,
  typeform: typeformScheme,
  vercel: vercelScheme,
  woocommerce: wooCommerceScheme,
  zendesk: zendeskScheme,
  zoom: zoomScheme,
} as const satisfies Record<string, SignatureScheme>;

export type PresetName = keyof typeof signatureSchemes;
/** A preset, or `custom`: a scheme the source describes itself. */
export type ProviderName = PresetName | 'custom';

export const providerNames: [ProviderName, ...ProviderName[]] = ['custom', ...(Object.keys(signatureSchemes) as PresetName[])];

export interface SchemeOptions {
  readonly tokenHeader?: string | undefined;
  /** The description of a `custom` provider's scheme. */
  readonly scheme?: HmacSpecInput | undefined;
}

/** The scheme for one source: the provider's, with the source's own options applied. */
export function schemeFor(provider: ProviderName, options: SchemeOptions = {}): SignatureScheme {
  if (provider === 'custom') {
    if (options.scheme === undefined) throw new Error('provider custom needs a scheme');
    return createHmacScheme('custom', options.scheme);
  }
  if (provider === 'apify' && options.tokenHeader !== undefined) return createApifyScheme(options.tokenHeader);
  return signatureSchemes[provider];
}

export { createApifyScheme, DEFAULT_APIFY_TOKEN_HEADER } from './apify.js';
export { hmacSha256Scheme, signHmacSha256 } from './hmac-sha256.js';
export type {
  EntityPaths,
  HandshakeReply,
  ParsedDelivery,
  ReplayGuard,
  Secret,
  SignatureScheme,
  SignedRequest,
  SignInput,
  VerifyFailure,
  VerifyInput,
  VerifyResult,
} from './scheme.js';
export type { HmacSpecInput } from './spec/hmac-spec.js';
export {
  createStandardWebhooksScheme,
  isStandardWebhooksSecret,
  signStandardWebhooks,
  standardWebhooksKey,
} from './standard-webhooks.js';
export { signStripe } from './stripe.js';
