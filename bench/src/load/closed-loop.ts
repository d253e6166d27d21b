// Closed-loop load from its own process: autocannon with N connections, each request a
// freshly signed delivery. Usage: closed-loop.ts '{"url":…,"connections":…,"seconds":…,"mode":…}'
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { eventIdSource, signedDelivery } from '../signed-request.js';
import { report } from './load-result.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  connections: number;
  seconds: number;
  mode: 'unique' | 'duplicates';
};
const nextId = eventIdSource(options.mode, randomUUID().slice(0, 8));

// Signed up front: signing inside the run would spend the cores the server under test needs.
// 15,000 per second is above what any scenario reaches on the machines this runs on.
const deliveries = Array.from({ length: options.seconds * 15_000 }, () => signedDelivery(nextId()));
let next = 0;
const cpuAtStart = process.cpuUsage();

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  requests: [
    {
      method: 'POST',
      setupRequest: (request) => {
        const delivery = deliveries[next++ % deliveries.length] as (typeof deliveries)[number];
        return { ...request, headers: delivery.headers, body: delivery.body };
      },
    },
  ],
});

const cpu = process.cpuUsage(cpuAtStart);
report({
  requests: result.requests.total,
  seconds: result.duration,
  rps: result.requests.total / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  p999: result.latency.p99_9,
  errors: result.errors + result.timeouts + result.non2xx,
  cpuMicros: cpu.user + cpu.system,
});
