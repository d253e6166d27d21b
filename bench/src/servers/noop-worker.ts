// G. A BullMQ worker that does nothing per job: the most any worker can drain here.
import { EVENTS_QUEUE } from '@hookline/queue';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const worker = new Worker(EVENTS_QUEUE, async () => 'ok', {
  connection,
  prefix: process.env.HOOKLINE_QUEUE_PREFIX ?? 'bench',
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 20),
});
worker.on('error', () => {});
console.log(JSON.stringify({ ready: true }));
process.on('SIGTERM', () => {
  void worker.close().then(() => connection.quit().then(() => process.exit(0)));
});
