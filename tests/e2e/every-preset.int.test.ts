import { createHmac } from 'node:crypto';
import { type PresetName, providerNames } from '@hookline/core';
import { presetSamples, sampleDelivery } from '@hookline/core/testing';
import { webhookEvents } from '@hookline/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline, sourcesConfig, waitFor } from './harness.js';

// Every preset, each a source that names only its provider and its secret (plus, for the two
// senders that sign the URL, the public URL they were given).
const presets = providerNames.filter((name): name is PresetName => name !== 'custom');
const PUBLIC = 'https://hooks.example.com';
const envName = (provider: string) => `${provider.replaceAll('-', '_').toUpperCase()}_SECRET`;
const yaml = `sources:\n${presets
  .map((provider) => {
    const url = provider === 'twilio' || provider === 'square' ? `, url: '${PUBLIC}/webhooks/${provider}'` : '';
    return `  - { name: ${provider}, provider: ${provider}, secrets: [${envName(provider)}]${url} }`;
  })
  .join('\n')}\n`;
const env = Object.fromEntries(presets.map((provider) => [envName(provider), presetSamples[provider].secret]));

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await createPipeline({ config: sourcesConfig({ yaml, env }) });
  await pipeline.startWorker();
});

afterAll(async () => {
  await pipeline.close();
});

async function deliver(provider: PresetName) {
  const { body, contentType, signed } = sampleDelivery(provider, {
    nowSeconds: Math.floor(Date.now() / 1000),
    url: `${PUBLIC}/webhooks/${provider}`,
  });
  const query = signed.query ? `?${new URLSearchParams(signed.query)}` : '';
  const response = await pipeline.ingester.inject({
    method: 'POST',
    url: `/webhooks/${provider}${query}`,
    payload: body,
    headers: { 'content-type': contentType, ...signed.headers },
  });
  return { response, body };
}

async function rowsOf(provider: string) {
  return pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.source, provider));
}

describe.each(presets)('%s end to end', (provider) => {
  const sample = presetSamples[provider];

  it('stores one row for a signed delivery, and answers its redelivery as a duplicate', async () => {
    const first = await deliver(provider);
    expect(first.response.json()).toEqual({ status: 'accepted', source: provider, eventId: sample.eventId });
    const row = await waitFor(`${provider} stored`, async () => {
      const [found] = await pipeline.database.client.db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.source, provider), eq(webhookEvents.eventId, sample.eventId)));
      return found?.processedAt ? found : undefined;
    });
    expect(row).toMatchObject({ eventType: sample.eventType ?? null, rawBody: first.body });
    for (const header of Object.keys(row.headers as Record<string, string>))
      expect(header).not.toMatch(/signature|token|authorization/);

    const again = await deliver(provider);
    expect(again.response.json()).toMatchObject({ status: 'duplicate', eventId: sample.eventId });
    expect(await rowsOf(provider)).toHaveLength(1);
  });
});

describe('handshakes answered by the ingester, never stored', () => {
  async function post(provider: PresetName, body: string, headers: Record<string, string>) {
    return pipeline.ingester.inject({ method: 'POST', url: `/webhooks/${provider}`, payload: body, headers });
  }

  it('twitch: a signed webhook_callback_verification gets its challenge back as text/plain', async () => {
    const secret = presetSamples.twitch.secret;
    const body = '{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"type":"channel.follow"}}';
    const timestamp = new Date().toISOString();
    const response = await post('twitch', body, {
      'content-type': 'application/json',
      'twitch-eventsub-message-id': 'challenge-1',
      'twitch-eventsub-message-timestamp': timestamp,
      'twitch-eventsub-message-type': 'webhook_callback_verification',
      'twitch-eventsub-message-signature': `sha256=${createHmac('sha256', secret).update(`challenge-1${timestamp}${body}`).digest('hex')}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toBe('pogchamp-kappa-360noscope-vohiyo');
    expect(await pipeline.queue.getJob('twitch/challenge-1')).toBeUndefined();
  });

  it('zoom: a signed endpoint.url_validation gets the plain token and its HMAC', async () => {
    const secret = presetSamples.zoom.secret;
    const body = '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1764410400000,"event":"endpoint.url_validation"}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await post('zoom', body, {
      'content-type': 'application/json',
      'x-zm-request-timestamp': timestamp,
      'x-zm-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    });
    expect(response.json()).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', secret).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });

  it('zoom: an unsigned url_validation is refused', async () => {
    const response = await post('zoom', '{"payload":{"plainToken":"x"},"event":"endpoint.url_validation"}', {
      'content-type': 'application/json',
    });
    expect(response.statusCode).toBe(401);
  });
});
