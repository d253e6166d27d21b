import type { PresetName } from '../index.js';
import { signatureSchemes } from '../index.js';
import type { SignedRequest } from '../scheme.js';
import { ed25519PublicKey } from './discord.js';

/**
 * One realistic delivery per preset, for tests: the body a sender posts, the secret a source is
 * configured with, and what Hookline should read from it. `signingKey` is what signs when it is
 * not the configured secret (Discord: the private seed behind the public key).
 */
export interface PresetSample {
  readonly secret: string;
  readonly signingKey?: string;
  readonly body: (nowSeconds: number) => string;
  readonly contentType?: string;
  /** The event id the sender puts in a header, where it does. */
  readonly headerEventId?: string;
  readonly headerEventType?: string;
  readonly eventId: string;
  readonly eventType?: string;
}

const DISCORD_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const fixed = (body: string) => () => body;

export const presetSamples: Record<PresetName, PresetSample> = {
  'hmac-sha256': {
    secret: 'generic-secret',
    body: fixed('{"type":"order.paid","id":"o1"}'),
    headerEventId: 'gen-1',
    eventId: 'gen-1',
    eventType: 'order.paid',
  },
  'standard-webhooks': {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: fixed('{"type":"invoice.paid"}'),
    headerEventId: 'msg_sw1',
    eventId: 'msg_sw1',
    eventType: 'invoice.paid',
  },
  stripe: {
    secret: 'whsec_stripeSampleSecret',
    body: fixed('{"id":"evt_s1","type":"payment_intent.processing","data":{"object":{"id":"pi_1","status":"processing"}}}'),
    eventId: 'evt_s1',
    eventType: 'payment_intent.processing',
  },
  github: {
    secret: 'github-secret',
    body: fixed('{"action":"opened","issue":{"number":7}}'),
    headerEventId: 'gh-delivery-1',
    headerEventType: 'issues',
    eventId: 'gh-delivery-1',
    eventType: 'issues.opened',
  },
  shopify: {
    secret: 'shopify-secret',
    body: fixed('{"id":450789469,"financial_status":"paid"}'),
    headerEventId: 'shop-evt-1',
    headerEventType: 'orders/paid',
    eventId: 'shop-evt-1',
    eventType: 'orders/paid',
  },
  slack: {
    secret: 'slack-secret',
    body: fixed('{"type":"event_callback","event_id":"EvS1","event":{"type":"app_mention"}}'),
    eventId: 'EvS1',
    eventType: 'app_mention',
  },
  svix: {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: fixed('{"type":"user.created"}'),
    headerEventId: 'msg_sv1',
    eventId: 'msg_sv1',
    eventType: 'user.created',
  },
  apify: {
    secret: 'apify-token',
    body: fixed('{"eventType":"ACTOR.RUN.SUCCEEDED","resource":{"id":"run_1","status":"SUCCEEDED"}}'),
    headerEventId: 'dispatch-1',
    eventId: 'dispatch-1',
    eventType: 'ACTOR.RUN.SUCCEEDED',
  },
  bitbucket: {
    secret: 'bitbucket-secret',
    body: fixed('{"push":{"changes":[]},"repository":{"full_name":"team/repo"}}'),
    headerEventId: 'bb-request-1',
    headerEventType: 'repo:push',
    eventId: 'bb-request-1',
    eventType: 'repo:push',
  },
  calendly: {
    secret: 'calendly-signing-key',
    body: fixed(
      '{"event":"invitee.created","created_at":"2026-11-29T10:00:00.000000Z","payload":{"uri":"https://api.calendly.com/scheduled_events/E1/invitees/I1"}}',
    ),
    eventId: 'invitee.created:https://api.calendly.com/scheduled_events/E1/invitees/I1:2026-11-29T10:00:00.000000Z',
    eventType: 'invitee.created',
  },
  clerk: {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: fixed('{"type":"user.created","data":{"id":"user_1"}}'),
    headerEventId: 'msg_clerk1',
    eventId: 'msg_clerk1',
    eventType: 'user.created',
  },
  discord: {
    secret: ed25519PublicKey(DISCORD_SEED),
    signingKey: DISCORD_SEED,
    body: fixed('{"id":"1150000000000000001","type":2,"data":{"name":"deploy"}}'),
    eventId: '1150000000000000001',
    eventType: 'deploy',
  },
  docusign: {
    secret: 'docusign-hmac-key',
    body: fixed(
      '{"event":"envelope-completed","retryCount":0,"generatedDateTime":"2026-11-29T10:00:00.000Z","data":{"envelopeId":"env-1"}}',
    ),
    eventId: 'envelope-completed:env-1:2026-11-29T10:00:00.000Z',
    eventType: 'envelope-completed',
  },
  gitlab: {
    secret: 'gitlab-token',
    body: fixed('{"object_kind":"merge_request","object_attributes":{"action":"open","iid":3}}'),
    headerEventId: 'gl-idempotency-1',
    eventId: 'gl-idempotency-1',
    eventType: 'merge_request:open',
  },
  intercom: {
    secret: 'intercom-client-secret',
    body: fixed('{"type":"notification_event","id":"notif_1","topic":"conversation.user.created"}'),
    eventId: 'notif_1',
    eventType: 'conversation.user.created',
  },
  lemonsqueezy: {
    secret: 'lemon-secret',
    body: fixed(
      '{"meta":{"event_name":"order_created"},"data":{"type":"orders","id":"1","attributes":{"status":"paid","updated_at":"2026-11-29T10:00:00.000000Z"}}}',
    ),
    eventId: 'order_created:orders:1:2026-11-29T10:00:00.000000Z',
    eventType: 'order_created',
  },
  line: {
    secret: 'line-channel-secret',
    body: fixed(
      '{"destination":"U1","events":[{"type":"message","webhookEventId":"01HLINE1","deliveryContext":{"isRedelivery":false}}]}',
    ),
    eventId: '01HLINE1',
    eventType: 'message',
  },
  linear: {
    secret: 'lin_wh_secret',
    body: (now) => `{"action":"create","type":"Issue","data":{"id":"iss_1"},"webhookTimestamp":${now * 1000}}`,
    headerEventId: 'linear-delivery-1',
    eventId: 'linear-delivery-1',
    eventType: 'Issue:create',
  },
  mux: {
    secret: 'mux-signing-secret',
    body: fixed('{"type":"video.asset.ready","id":"mux-evt-1","data":{"id":"asset_1","status":"ready"}}'),
    eventId: 'mux-evt-1',
    eventType: 'video.asset.ready',
  },
  openai: {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: fixed('{"type":"response.completed","data":{"id":"resp_1"}}'),
    headerEventId: 'evt_oai1',
    eventId: 'evt_oai1',
    eventType: 'response.completed',
  },
  paddle: {
    secret: 'pdl_ntfset_secret',
    body: fixed('{"event_id":"evt_pdl1","event_type":"transaction.completed","data":{"id":"txn_1","status":"completed"}}'),
    eventId: 'evt_pdl1',
    eventType: 'transaction.completed',
  },
  persona: {
    secret: 'wbhsec_persona',
    body: fixed('{"data":{"type":"event","id":"evt_P1","attributes":{"name":"inquiry.completed"}}}'),
    eventId: 'evt_P1',
    eventType: 'inquiry.completed',
  },
  polar: {
    secret: 'polar_whs_sampleSecret',
    body: fixed('{"type":"order.paid","data":{"id":"ord_1"}}'),
    headerEventId: 'msg_polar1',
    eventId: 'msg_polar1',
    eventType: 'order.paid',
  },
  postmark: {
    secret: 'hookline:postmark-password',
    body: fixed('{"RecordType":"Delivery","MessageID":"pm-msg-1","DeliveredAt":"2026-11-29T10:00:00Z"}'),
    eventId: 'Delivery:pm-msg-1:2026-11-29T10:00:00Z',
    eventType: 'Delivery',
  },
  razorpay: {
    secret: 'razorpay-webhook-secret',
    body: fixed('{"event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_1","status":"captured"}}}}'),
    headerEventId: 'rzp-evt-1',
    eventId: 'rzp-evt-1',
    eventType: 'payment.captured',
  },
  replicate: {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: fixed('{"id":"pred_1","status":"succeeded"}'),
    headerEventId: 'msg_rep1',
    eventId: 'msg_rep1',
  },
  resend: {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: fixed('{"type":"email.delivered","data":{"email_id":"em_1"}}'),
    headerEventId: 'msg_rs1',
    eventId: 'msg_rs1',
    eventType: 'email.delivered',
  },
  sentry: {
    secret: 'sentry-client-secret',
    body: fixed('{"action":"created","data":{"issue":{"id":"1"}}}'),
    headerEventId: 'sentry-request-1',
    eventId: 'sentry-request-1',
  },
  square: {
    secret: 'square-signature-key',
    body: fixed('{"merchant_id":"M1","type":"payment.updated","event_id":"sq-evt-1","data":{"id":"pay_1"}}'),
    eventId: 'sq-evt-1',
    eventType: 'payment.updated',
  },
  twilio: {
    secret: 'twilio-auth-token',
    body: fixed('AccountSid=AC1&MessageSid=SM1&MessageStatus=delivered&To=%2B15558675310'),
    contentType: 'application/x-www-form-urlencoded',
    headerEventId: 'twilio-idem-1',
    eventId: 'twilio-idem-1',
    eventType: 'delivered',
  },
  twitch: {
    secret: 'twitch-eventsub-secret',
    body: fixed('{"subscription":{"id":"sub_1","type":"channel.follow"},"event":{"user_id":"1"}}'),
    headerEventId: 'twitch-msg-1',
    eventId: 'twitch-msg-1',
    eventType: 'channel.follow',
  },
  typeform: {
    secret: 'typeform-secret',
    body: fixed('{"event_id":"tf-evt-1","event_type":"form_response","form_response":{"form_id":"F1"}}'),
    eventId: 'tf-evt-1',
    eventType: 'form_response',
  },
  vercel: {
    secret: 'vercel-secret',
    body: fixed('{"id":"vc-evt-1","type":"deployment.created","payload":{}}'),
    eventId: 'vc-evt-1',
    eventType: 'deployment.created',
  },
  woocommerce: {
    secret: 'woo-secret',
    body: fixed('{"id":42,"status":"processing"}'),
    headerEventId: 'woo-delivery-1',
    headerEventType: 'order.updated',
    eventId: 'woo-delivery-1',
    eventType: 'order.updated',
  },
  zendesk: {
    secret: 'zendesk-signing-secret',
    body: fixed('{"type":"zen:event-type:ticket.created","id":"zd-evt-1"}'),
    headerEventId: 'zd-invocation-1',
    eventId: 'zd-invocation-1',
    eventType: 'zen:event-type:ticket.created',
  },
  zoom: {
    secret: 'zoom-secret-token',
    body: fixed('{"event":"meeting.started","event_ts":1764410400000,"payload":{"object":{"id":"85746065"}}}'),
    eventId: 'meeting.started:1764410400000:85746065',
    eventType: 'meeting.started',
  },
};

/** A sample signed as its sender would sign it, now, for a source at `url`. */
export function sampleDelivery(
  provider: PresetName,
  options: { readonly nowSeconds: number; readonly url: string; readonly eventId?: string },
): { readonly body: string; readonly contentType: string; readonly signed: SignedRequest } {
  const sample = presetSamples[provider];
  const body = sample.body(options.nowSeconds);
  const contentType = sample.contentType ?? 'application/json';
  const signed = signatureSchemes[provider].sign({
    secret: sample.signingKey ?? sample.secret,
    rawBody: Buffer.from(body),
    nowSeconds: options.nowSeconds,
    eventId: options.eventId ?? sample.headerEventId ?? sample.eventId,
    ...(sample.headerEventType !== undefined && { eventType: sample.headerEventType }),
    url: options.url,
    contentType,
  });
  return { body, contentType, signed };
}
