// Runs the order service on SERVICE_PORT: `pnpm --filter @hookline/example-forward-to-service service`.
import { createOrderService } from './order-service.js';

const secret = process.env.ORDERS_FORWARD_SECRET;
if (!secret) throw new Error('ORDERS_FORWARD_SECRET is not set');
const port = Number(process.env.SERVICE_PORT ?? 4000);

const service = createOrderService({
  secret,
  handle(envelope, messageId) {
    console.log(
      JSON.stringify({ messageId, order: envelope.entityId, status: envelope.status, transition: envelope.transition }),
    );
  },
});
service.listen(port, '127.0.0.1', () => console.log(`order service listening on http://127.0.0.1:${port}/webhooks/hookline`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => service.close());
