import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseSourcesConfig, signHmacSha256 } from '@hookline/core';
import { listForwards } from '@hookline/db';
import { createPipeline, type Pipeline, waitFor } from '@hookline/e2e/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderService, type HooklineEnvelope } from './order-service.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const FORWARD_SECRET = 'whsec_ZXhhbXBsZS1mb3J3YXJkLXNpZ25pbmctc2VjcmV0';
const ORDERS_SECRET = 'orders-test-secret';

let pipeline: Pipeline;
let service: ReturnType<typeof createOrderService>;
const handled: { envelope: HooklineEnvelope; messageId: string }[] = [];
let requests = 0;
let failNext = 0;

// Hookline with the example's own sources file (its URL pointed at this test's service), and the example service.
beforeAll(async () => {
  service = createOrderService({
    secret: FORWARD_SECRET,
    handle(envelope, messageId) {
      if (failNext > 0) {
        failNext--;
        throw new Error('service database busy');
      }
      handled.push({ envelope, messageId });
    },
  });
  service.on('request', () => {
    requests++;
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const port = (service.address() as AddressInfo).port;
  const text = readFileSync(`${exampleDir}/hookline.config.yaml`, 'utf8').replace('127.0.0.1:4000', `127.0.0.1:${port}`);
  const parsed = parseSourcesConfig(text, { ORDERS_WEBHOOK_SECRET: ORDERS_SECRET, ORDERS_FORWARD_SECRET: FORWARD_SECRET });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  pipeline = await createPipeline({ config: parsed.config });
  await pipeline.startWorker();
});

afterAll(async () => {
  await pipeline.close();
  await new Promise((resolve) => service.close(resolve));
});

async function deliver(eventId: string, status: string): Promise<void> {
  const body = JSON.stringify({ type: `order.${status}`, data: { id: 'order_1', status } });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await pipeline.ingester.inject({
    method: 'POST',
    url: '/webhooks/orders',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-event-id': eventId,
      'x-timestamp': String(timestamp),
      'x-signature': `sha256=${signHmacSha256(ORDERS_SECRET, eventId, timestamp, Buffer.from(body))}`,
    },
  });
  expect(response.statusCode).toBe(200);
}

async function delivered(eventId: string) {
  return waitFor(`forward of ${eventId} delivered`, async () => {
    const [delivery] = await listForwards(pipeline.database.client.db, { source: 'orders', eventId });
    return delivery?.state === 'delivered' ? delivery : undefined;
  });
}

describe('the forward-to-service example', () => {
  it('has the service verify and process each event once, through a failure and a duplicate delivery', async () => {
    failNext = 1;
    await deliver('evt_paid', 'paid');
    await deliver('evt_paid', 'paid');
    const delivery = await delivered('evt_paid');

    expect(delivery.attemptLog.map(({ outcome, statusCode }) => [outcome, statusCode])).toEqual([
      ['retry', 500],
      ['delivered', 200],
    ]);
    expect(requests).toBe(2);
    expect(handled).toEqual([
      {
        messageId: delivery.messageId,
        envelope: expect.objectContaining({ eventId: 'evt_paid', entityId: 'order_1', status: 'paid', transition: 'applied' }),
      },
    ]);
  });
});
