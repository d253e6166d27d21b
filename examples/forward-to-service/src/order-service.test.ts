import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrderService, type HooklineEnvelope } from './order-service.js';

const SECRET = 'whsec_ZXhhbXBsZS1mb3J3YXJkLXNpZ25pbmctc2VjcmV0';
const envelope = {
  eventId: 'evt_1',
  source: 'orders',
  type: 'order.paid',
  entityId: 'order_1',
  status: 'paid',
  transition: 'applied',
  receivedAt: '2026-01-01T00:00:00.000Z',
  replay: false,
  payload: { type: 'order.paid', data: { id: 'order_1', status: 'paid' } },
};

let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
});

async function start(handle: (envelope: HooklineEnvelope) => void) {
  const service = createOrderService({ secret: SECRET, handle });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => service.close(() => resolve()));
  const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/webhooks/hookline`;
  /** POSTs `body` signed by `secret` for `messageId`; `sent` replaces the body after signing. */
  return (messageId: string, options: { secret?: string; sent?: string } = {}) => {
    const body = JSON.stringify(envelope);
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': messageId,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': new Webhook(options.secret ?? SECRET).sign(messageId, new Date(), body),
      },
      body: options.sent ?? body,
    });
  };
}

describe('the order service', () => {
  it('processes a correctly signed message once, however often it is sent', async () => {
    const handled: HooklineEnvelope[] = [];
    const send = await start((received) => {
      handled.push(received);
    });
    expect((await send('msg_1')).status).toBe(200);
    const again = await send('msg_1');
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('{"status":"duplicate"}');
    expect(handled).toEqual([envelope]);
  });

  it('refuses a message signed with another secret, or altered after signing', async () => {
    const handled: HooklineEnvelope[] = [];
    const send = await start((received) => {
      handled.push(received);
    });
    expect((await send('msg_2', { secret: 'whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==' })).status).toBe(401);
    expect((await send('msg_3', { sent: JSON.stringify({ ...envelope, status: 'refunded' }) })).status).toBe(401);
    expect(handled).toEqual([]);
  });

  it('answers 500 when its own work fails, and processes the same message on the retry', async () => {
    let calls = 0;
    const send = await start(() => {
      calls++;
      if (calls === 1) throw new Error('database busy');
    });
    expect((await send('msg_4')).status).toBe(500);
    expect((await send('msg_4')).status).toBe(200);
    expect((await send('msg_4')).status).toBe(200);
    expect(calls).toBe(2);
  });
});
