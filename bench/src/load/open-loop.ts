// Open-loop load: deliveries arrive at a fixed rate whatever the server does, and each
// latency is measured from when the request was due, so a stalled server cannot hide its
// queueing (no coordinated omission).
// Usage: open-loop.ts '{"url":…,"rate":…,"seconds":…,"warmUp":{"rate":…,"seconds":…}}'
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { MEASURING } from '../processes.js';
import { eventIdSource, signedDelivery } from '../signed-request.js';
import { report } from './load-result.js';

interface Phase {
  readonly rate: number;
  readonly seconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Phase & { url: string; warmUp?: Phase };
const url = new URL(options.url);
// As many connections as the ingester admits by default: a sender's deliveries never wait for a free one here.
const pool = new Pool(url.origin, { connections: 1000, pipelining: 1 });
const nextId = eventIdSource('unique', randomUUID().slice(0, 8));
type Delivery = ReturnType<typeof signedDelivery>;

// Signed up front, as in the closed loop: signing during the run would take the cores the
// server needs, and delay this process's own reading of answers, which its latencies include.
const sign = (phase: Phase) => Array.from({ length: phase.rate * phase.seconds }, () => signedDelivery(nextId()));
const warmUpDeliveries = options.warmUp ? sign(options.warmUp) : [];
const deliveries = sign(options);

const TICK_MS = 5;
const latencies: number[] = [];
/** Each second of the measured run (by due time): its latencies, to show when a tail happened. */
const bySecond: number[][] = [];
const lateness: number[] = [];
let errors = 0;
let warmUpErrors = 0;
/** Errors by what they were: the contract's error code, or the client's own failure. */
const errorKinds: Record<string, number> = {};
const inFlight: Promise<void>[] = [];

/** Sends one delivery; `measuredFrom` is undefined during the warm-up, which records only its errors. */
async function send(delivery: Delivery, dueAt: number, measuredFrom: number | undefined): Promise<void> {
  if (measuredFrom !== undefined) lateness.push(performance.now() - dueAt);
  let failure: string | undefined;
  try {
    const response = await pool.request({ path: url.pathname, method: 'POST', headers: delivery.headers, body: delivery.body });
    if (response.statusCode === 200) await response.body.dump();
    else {
      const body = (await response.body.json().catch(() => ({}))) as { error?: { code?: string } };
      failure = `${response.statusCode} ${body.error?.code ?? ''}`.trim();
    }
  } catch (error) {
    failure = (error as { code?: string }).code ?? (error as Error).name;
  }
  if (measuredFrom === undefined) {
    if (failure !== undefined) warmUpErrors++;
    return;
  }
  if (failure !== undefined) {
    errors++;
    errorKinds[failure] = (errorKinds[failure] ?? 0) + 1;
  }
  const latency = performance.now() - dueAt;
  latencies.push(latency);
  const second = Math.floor((dueAt - measuredFrom) / 1000);
  const ofSecond = bySecond[second] ?? [];
  ofSecond.push(latency);
  bySecond[second] = ofSecond;
}

/** Sends a phase's deliveries at its rate; answers when the last is sent, not answered. */
async function run(phase: Phase, list: readonly Delivery[], measured: boolean): Promise<number> {
  const started = performance.now();
  let sent = 0;
  while (sent < list.length) {
    const due = Math.min(list.length, Math.floor(((performance.now() - started) / 1000) * phase.rate));
    for (; sent < due; sent++) {
      inFlight.push(send(list[sent] as Delivery, started + (sent / phase.rate) * 1000, measured ? started : undefined));
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  return started;
}

// The warm-up runs in this process, straight into the measured run: the server, this process's
// own JIT and its connections are all warm when measuring starts.
if (options.warmUp) await run(options.warmUp, warmUpDeliveries, false);
console.log(MEASURING);
const cpuAtStart = process.cpuUsage();
// This process's own event-loop delay: latencies are read here, so a starved generator inflates them.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const measuredFromEpochMs = Date.now();
const started = await run(options, deliveries, true);
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
  warmUp: { requests: warmUpDeliveries.length, errors: warmUpErrors },
  measuredFromEpochMs,
});
