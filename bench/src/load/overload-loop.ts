// Open-loop load far above capacity, over many connections, to watch load shedding: each answer
// is timed from when its request was due, by status, and the ids answered 200 are written to a
// file so the orchestrator can check each was stored once.
// Usage: overload-loop.ts '{"url":…,"rate":…,"seconds":…,"connections":…,"acceptedFile":…}'
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Pool } from 'undici';
import { eventIdSource, signedDelivery } from '../signed-request.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  acceptedFile: string;
};
const url = new URL(options.url);
const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
const nextId = eventIdSource('unique', randomUUID().slice(0, 8));

const TICK_MS = 5;
const total = options.rate * options.seconds;
// Signed up front: signing inside the run would take the cores the ingester under test needs.
const deliveries = Array.from({ length: total }, () => {
  const id = nextId();
  return { id, ...signedDelivery(id) };
});
const latencies: Record<'accepted' | 'shed' | 'other', number[]> = { accepted: [], shed: [], other: [] };
const accepted: string[] = [];
const inFlight: Promise<void>[] = [];

async function send(index: number, dueAt: number): Promise<void> {
  const delivery = deliveries[index] as (typeof deliveries)[number];
  let kind: keyof typeof latencies = 'other';
  try {
    const response = await pool.request({ path: url.pathname, method: 'POST', headers: delivery.headers, body: delivery.body });
    const text = await response.body.text();
    if (response.statusCode === 200) {
      kind = 'accepted';
      accepted.push(delivery.id);
    } else if (response.statusCode === 503 && text.includes('"overloaded"')) {
      kind = 'shed';
    }
  } catch {
    // a connection error or timeout: counted as other
  }
  latencies[kind].push(performance.now() - dueAt);
}

const started = performance.now();
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
  for (; sent < due; sent++) inFlight.push(send(sent, started + (sent / options.rate) * 1000));
  await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
await Promise.all(inFlight);
const seconds = (performance.now() - started) / 1000;
await pool.close();
writeFileSync(options.acceptedFile, JSON.stringify(accepted));

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
console.log(
  JSON.stringify({
    sent: total,
    seconds,
    accepted: latencies.accepted.length,
    shed: latencies.shed.length,
    other: latencies.other.length,
    acceptedP50: quantile(latencies.accepted, 0.5),
    acceptedP99: quantile(latencies.accepted, 0.99),
    shedP50: quantile(latencies.shed, 0.5),
    shedP99: quantile(latencies.shed, 0.99),
  }),
);
