// Open-loop load: deliveries arrive at a fixed rate whatever the server does, and each
// latency is measured from when the request was due, so a stalled server cannot hide its
// queueing (no coordinated omission). Usage: open-loop.ts '{"url":…,"rate":…,"seconds":…}'
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { eventIdSource, signedDelivery } from '../signed-request.js';
import { report } from './load-result.js';

const options = JSON.parse(process.argv[2] ?? '{}') as { url: string; rate: number; seconds: number };
const url = new URL(options.url);
// As many connections as the ingester admits by default: a sender's deliveries never wait for a free one here.
const pool = new Pool(url.origin, { connections: 1000, pipelining: 1 });
const nextId = eventIdSource('unique', randomUUID().slice(0, 8));

const TICK_MS = 5;
const total = options.rate * options.seconds;
// Signed up front, as in the closed loop: signing during the run would take the cores the
// server needs, and delay this process's own reading of answers, which its latencies include.
const deliveries = Array.from({ length: total }, () => signedDelivery(nextId()));
const latencies: number[] = [];
/** Each second of the run (by due time): its latencies, to show when a tail happened. */
const bySecond: number[][] = [];
const lateness: number[] = [];
let errors = 0;
/** Errors by what they were: the contract's error code, or the client's own failure. */
const errorKinds: Record<string, number> = {};
const countError = (kind: string) => {
  errors++;
  errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
};
const inFlight: Promise<void>[] = [];

async function send(delivery: (typeof deliveries)[number], dueAt: number): Promise<void> {
  lateness.push(performance.now() - dueAt);
  try {
    const response = await pool.request({ path: url.pathname, method: 'POST', headers: delivery.headers, body: delivery.body });
    if (response.statusCode === 200) await response.body.dump();
    else {
      const body = (await response.body.json().catch(() => ({}))) as { error?: { code?: string } };
      countError(`${response.statusCode} ${body.error?.code ?? ''}`.trim());
    }
  } catch (error) {
    countError((error as { code?: string }).code ?? (error as Error).name);
  }
  const latency = performance.now() - dueAt;
  latencies.push(latency);
  const second = Math.floor((dueAt - started) / 1000);
  (bySecond[second] ??= []).push(latency);
}

const cpuAtStart = process.cpuUsage();
// This process's own event-loop delay: latencies are read here, so a starved generator inflates them.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const started = performance.now();
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
  for (; sent < due; sent++)
    inFlight.push(send(deliveries[sent] as (typeof deliveries)[number], started + (sent / options.rate) * 1000));
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
  loopDelayP99: loopDelay.percentile(99) / 1e6,
  p99BySecond: Array.from(bySecond, (second = []) =>
    at(
      second.sort((a, b) => a - b),
      0.99,
    ),
  ),
  errorKinds,
});
