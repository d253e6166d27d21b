import { validateSignature } from '@line/bot-sdk';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import Mux from '@mux/mux-node';
import { Paddle } from '@paddle/paddle-node-sdk';
import { verifyKey } from 'discord-interactions';
import Razorpay from 'razorpay';
import { WebhooksHelper } from 'square';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { type PresetName, signatureSchemes } from '../index.js';
import type { SignInput, VerifyInput } from '../scheme.js';
import { presetSamples } from './samples.js';

/*
 * Each preset against its provider's own code: what our sender side signs, the provider's SDK
 * accepts; what the SDK (or the provider's signing library) signs, our preset accepts.
 */

const URL = 'https://hooks.example.com/webhooks/provider';
// SDKs that read the real clock get signatures made at the real time.
const now = () => Math.floor(Date.now() / 1000);

function signAs(provider: PresetName, overrides: Partial<SignInput> = {}) {
  const sample = presetSamples[provider];
  const nowSeconds = overrides.nowSeconds ?? now();
  const body = sample.body(nowSeconds);
  const signed = signatureSchemes[provider].sign({
    secret: sample.signingKey ?? sample.secret,
    rawBody: Buffer.from(body),
    nowSeconds,
    eventId: sample.headerEventId ?? sample.eventId,
    url: URL,
    ...overrides,
  });
  return { body, headers: signed.headers, query: signed.query, secret: sample.secret };
}

function verifyAs(provider: PresetName, input: Partial<VerifyInput> & Pick<VerifyInput, 'headers' | 'rawBody'>) {
  const scheme = signatureSchemes[provider];
  return scheme.verify({
    secrets: [{ index: 0, value: presetSamples[provider].secret }],
    nowSeconds: now(),
    toleranceSeconds: scheme.defaultToleranceSeconds ?? 0,
    url: URL,
    ...input,
  });
}

describe('twilio (twilio: validateRequest, validateRequestWithBody, getExpectedTwilioSignature)', () => {
  const token = presetSamples.twilio.secret;

  it('signs form callbacks as validateRequest expects, and accepts what getExpectedTwilioSignature makes', () => {
    const { body, headers } = signAs('twilio', { contentType: 'application/x-www-form-urlencoded' });
    const params = Object.fromEntries(new URLSearchParams(body));
    expect(twilio.validateRequest(token, headers['x-twilio-signature'] as string, URL, params)).toBe(true);

    const repeated = 'To=%2B1555&Body=hi&MediaUrl=b&MediaUrl=a&MessageSid=SM9';
    const search = new URLSearchParams(repeated);
    const sdkParams = { To: '+1555', Body: 'hi', MediaUrl: search.getAll('MediaUrl'), MessageSid: 'SM9' };
    const signature = twilio.getExpectedTwilioSignature(token, `${URL}?channel=sms`, sdkParams);
    const url = `${URL}?channel=sms`;
    expect(verifyAs('twilio', { headers: { 'x-twilio-signature': signature }, rawBody: Buffer.from(repeated), url })).toEqual({
      ok: true,
      secretIndex: 0,
    });
    // Twilio may sign the URL with the default port: both forms are tried, as its SDK does.
    const withPort = twilio.getExpectedTwilioSignature(token, 'https://hooks.example.com:443/webhooks/provider', sdkParams);
    expect(verifyAs('twilio', { headers: { 'x-twilio-signature': withPort }, rawBody: Buffer.from(repeated) }).ok).toBe(true);
  });

  it('signs JSON bodies through bodySHA256 as validateRequestWithBody expects, and checks the hash', () => {
    const body = '{"MessageSid":"SM2","MessageStatus":"sent"}';
    const { headers, query } = signAs('twilio', { rawBody: Buffer.from(body), contentType: 'application/json' });
    const url = `${URL}?${new URLSearchParams(query)}`;
    expect(twilio.validateRequestWithBody(token, headers['x-twilio-signature'] as string, url, body)).toBe(true);
    expect(verifyAs('twilio', { headers, rawBody: Buffer.from(body), url }).ok).toBe(true);
    expect(verifyAs('twilio', { headers, rawBody: Buffer.from(body.replace('sent', 'read')), url })).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('accepts HMAC-SHA256 SharedKey signatures when the settings header names that algorithm', () => {
    const body = 'MessageSid=SM3&MessageStatus=queued';
    const signature = twilio.getExpectedTwilioSignature(token, URL, Object.fromEntries(new URLSearchParams(body)), 'HMAC_SHA256');
    const headers = {
      'x-twilio-signature': signature,
      'x-twilio-webhooks-signature-settings': 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256',
    };
    expect(verifyAs('twilio', { headers, rawBody: Buffer.from(body) }).ok).toBe(true);
  });
});

describe('paddle (@paddle/paddle-node-sdk: webhooks.isSignatureValid)', () => {
  it('signs what the SDK accepts', async () => {
    const { body, headers, secret } = signAs('paddle');
    const paddle = new Paddle('pdl_sdbx_apikey_hookline');
    expect(await paddle.webhooks.isSignatureValid(body, secret, headers['paddle-signature'] as string)).toBe(true);
    expect(await paddle.webhooks.isSignatureValid(`${body} `, secret, headers['paddle-signature'] as string)).toBe(false);
  });
});

describe('square (square: WebhooksHelper.verifySignature)', () => {
  it('signs the notification URL and body as the SDK checks them', async () => {
    const { body, headers, secret } = signAs('square');
    const signatureHeader = headers['x-square-hmacsha256-signature'] as string;
    expect(
      await WebhooksHelper.verifySignature({ requestBody: body, signatureHeader, signatureKey: secret, notificationUrl: URL }),
    ).toBe(true);
    const elsewhere = `${URL}/other`;
    expect(
      await WebhooksHelper.verifySignature({
        requestBody: body,
        signatureHeader,
        signatureKey: secret,
        notificationUrl: elsewhere,
      }),
    ).toBe(false);
    expect(verifyAs('square', { headers, rawBody: Buffer.from(body), url: elsewhere })).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });
});

describe('linear (@linear/sdk/webhooks: LinearWebhookClient.verify)', () => {
  it('signs what the SDK accepts, and holds the body timestamp to 60 s as the SDK does', () => {
    const { body, headers, secret } = signAs('linear');
    const client = new LinearWebhookClient(secret);
    expect(client.verify(Buffer.from(body), headers['linear-signature'] as string)).toBe(true);
    const stale = signAs('linear', { nowSeconds: now() - 120 });
    expect(() => client.verify(Buffer.from(stale.body), stale.headers['linear-signature'] as string)).toThrow(/timestamp/);
    expect(verifyAs('linear', { headers: stale.headers, rawBody: Buffer.from(stale.body) })).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
  });
});

describe('discord (discord-interactions: verifyKey)', () => {
  it('signs with the private key what verifyKey accepts under the public key, and accepts only that key', async () => {
    const { body, headers, secret } = signAs('discord');
    const signature = headers['x-signature-ed25519'] as string;
    const timestamp = headers['x-signature-timestamp'] as string;
    expect(await verifyKey(body, signature, timestamp, secret)).toBe(true);
    expect(await verifyKey(`${body} `, signature, timestamp, secret)).toBe(false);
    expect(verifyAs('discord', { headers, rawBody: Buffer.from(body) })).toEqual({ ok: true, secretIndex: 0 });
  });
});

describe('razorpay (razorpay: validateWebhookSignature)', () => {
  it('signs what the SDK accepts', () => {
    const { body, headers, secret } = signAs('razorpay');
    expect(Razorpay.validateWebhookSignature(body, headers['x-razorpay-signature'] as string, secret)).toBe(true);
  });
});

describe('mux (@mux/mux-node: webhooks.verifySignature)', () => {
  it('signs what the SDK accepts', async () => {
    const { body, headers, secret } = signAs('mux');
    const mux = new Mux({ tokenId: 'hookline', tokenSecret: 'hookline' });
    await expect(mux.webhooks.verifySignature(body, headers, secret)).resolves.toBeUndefined();
    await expect(mux.webhooks.verifySignature(body, headers, 'other')).rejects.toThrow();
  });
});

describe('line (@line/bot-sdk: validateSignature)', () => {
  it('signs what the SDK accepts', () => {
    const { body, headers, secret } = signAs('line');
    expect(validateSignature(body, secret, headers['x-line-signature'] as string)).toBe(true);
    expect(validateSignature(`${body} `, secret, headers['x-line-signature'] as string)).toBe(false);
  });
});

describe.each(['clerk', 'resend'] as const)('%s (svix: Webhook.sign and verify)', (provider) => {
  it('accepts what svix signs, and signs what svix verifies', () => {
    const { body, headers, secret } = signAs(provider);
    const svix = new SvixWebhook(secret);
    expect(svix.verify(body, headers)).toMatchObject(JSON.parse(body));
    const at = new Date();
    const signature = svix.sign('msg_from_svix', at, body);
    const fromSvix = {
      'svix-id': 'msg_from_svix',
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': signature,
    };
    expect(verifyAs(provider, { headers: fromSvix, rawBody: Buffer.from(body) }).ok).toBe(true);
  });
});

describe.each(['openai', 'replicate'] as const)('%s (standardwebhooks: Webhook.sign and verify)', (provider) => {
  it('accepts what the Standard Webhooks library signs, and signs what it verifies', () => {
    const { body, headers, secret } = signAs(provider);
    const library = new StandardWebhook(secret);
    expect(library.verify(body, headers)).toMatchObject(JSON.parse(body));
    const at = new Date();
    const fromLibrary = {
      'webhook-id': 'msg_from_library',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': library.sign('msg_from_library', at, body),
    };
    expect(verifyAs(provider, { headers: fromLibrary, rawBody: Buffer.from(body) }).ok).toBe(true);
  });
});

describe('polar (standardwebhooks, keyed as @polar-sh/sdk validateEvent keys it)', () => {
  it("accepts what the library signs with the base64 of Polar's secret, as Polar's SDK passes it", () => {
    const { body, headers, secret } = signAs('polar');
    // @polar-sh/sdk/webhooks validateEvent: new Webhook(Buffer.from(secret, 'utf-8').toString('base64')).
    const library = new StandardWebhook(Buffer.from(secret, 'utf-8').toString('base64'));
    expect(library.verify(body, headers)).toMatchObject(JSON.parse(body));
  });
});
