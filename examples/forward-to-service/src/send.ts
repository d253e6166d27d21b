// Sends one order event to Hookline twice: the service should log it once.
// Usage: pnpm --filter @hookline/example-forward-to-service send [status]
import { createHmac, randomUUID } from 'node:crypto';

const secret = process.env.ORDERS_WEBHOOK_SECRET ?? 'orders-example-secret';
const url = process.env.HOOKLINE_URL ?? 'http://127.0.0.1:3000';
const status = process.argv[2] ?? 'paid';
const eventId = `evt_${randomUUID()}`;
const body = JSON.stringify({ type: `order.${status}`, data: { id: 'order_1', status } });

for (let i = 0; i < 2; i++) {
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${url}/webhooks/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-event-id': eventId,
      'x-timestamp': String(timestamp),
      'x-signature': `sha256=${createHmac('sha256', secret).update(`${eventId}.${timestamp}.${body}`).digest('hex')}`,
    },
    body,
  });
  console.log(response.status, await response.text());
}
