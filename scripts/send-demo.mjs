// Sends one correctly signed delivery to the demo source, as a real sender would, and
// prints Hookline's answer. Usage: node scripts/send-demo.mjs [status] [event id]
import { createHmac, randomUUID } from 'node:crypto';

const status = process.argv[2] ?? 'succeeded';
const eventId = process.argv[3] ?? `evt_${randomUUID()}`;
const secret = process.env.DEMO_WEBHOOK_SECRET ?? 'demo-secret';
const url = process.env.HOOKLINE_URL ?? 'http://127.0.0.1:3000';

const body = JSON.stringify({ type: 'payment.updated', data: { id: 'pay_demo_1', status } });
const timestamp = Math.floor(Date.now() / 1000);
const signature = createHmac('sha256', secret).update(`${eventId}.${timestamp}.${body}`).digest('hex');

const response = await fetch(`${url}/webhooks/demo`, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'x-event-id': eventId,
    'x-timestamp': String(timestamp),
    'x-signature': `sha256=${signature}`,
  },
  body,
});
console.log(response.status, await response.text());
process.exitCode = response.ok ? 0 : 1;
