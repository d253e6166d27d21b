// Open-loop load: deliveries arrive at a fixed rate whatever the server does, and each
// latency is measured from when the request was due, so a stalled server cannot hide its
// queueing (no coordinated omission). Usage: open-loop.ts '{"url":…,"rate":…,"seconds":…}'
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { eventIdSource, signedDelivery } from '../signed-request.js';
import { report } from './load-result.js';

const options = JSON.parse(process.argv[2] ?? '{}') as { url: string; rate: number; seconds: number };
const url = new URL(options.url);
const pool = new Pool(url.origin, { connections: 256, pipelining: 1 });
const nextId = eventIdSource('unique', randomUUID().slice(0, 8));

const TICK_MS = 5;
const total = options.rate * options.seconds;
const latencies: number[] = [];
const lateness: number[] = [];
let errors = 0;
const inFlight: Promise<void>[] = [];

async function send(dueAt: number): Promise<void> {
  const delivery = signedDelivery(nextId());
  lateness.push(performance.now() - dueAt);
  try {
    const response = await pool.request({ path: url.pathname, method: 'POST', headers: delivery.headers, body: delivery.body });
    await response.body.dump();
    if (response.statusCode !== 200) errors++;
  } catch {
    errors++;
  }
  latencies.push(performance.now() - dueAt);
}

const cpuAtStart = process.cpuUsage();
const started = performance.now();
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
  for (; sent < due; sent++) inFlight.push(send(started + (sent / options.rate) * 1000));
  await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
await Promise.all(inFlight);
const seconds = (performance.now() - started) / 1000;
await pool.close();

latencies.sort((a, b) => a - b);
lateness.sort((a, b) => a - b);
const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const cpu = process.cpuUsage(cpuAtStart);
report({
  requests: latencies.length,
  seconds,
  rps: latencies.length / seconds,
  p50: at(latencies, 0.5),
  p99: at(latencies, 0.99),
  p999: at(latencies, 0.999),
  errors,
  cpuMicros: cpu.user + cpu.system,
  lateP99: at(lateness, 0.99),
});
