import type { LoadResult } from './load/load-result.js';
import type { HookIngestResult } from './scenarios/http.js';
import type { OverloadResult } from './scenarios/overload.js';
import type { DrainResult } from './scenarios/processing.js';
import type { RetentionResult } from './scenarios/retention.js';
import type { SpikeResult } from './scenarios/spike.js';

export interface BenchResults {
  readonly machine: { cores: number; node: string; redis: string; postgres: string; mode: 'quick' | 'full'; date: string };
  readonly ceiling: LoadResult;
  readonly naive: LoadResult;
  readonly hookline: HookIngestResult;
  readonly duplicates: HookIngestResult;
  readonly spike: SpikeResult;
  readonly naiveSpike: LoadResult;
  readonly processing: DrainResult & { redisBytesPer10k: number };
  readonly noop: DrainResult;
  readonly raw: { rowsPerSecond: number; seconds: number };
  readonly overload: OverloadResult;
  readonly retention: RetentionResult;
}

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (value: number) => `${n(value, 2)} ms`;

function httpRow(name: string, result: LoadResult, notes = ''): string {
  return `| ${name} | ${n(result.rps)} req/s | ${ms(result.p50)} | ${ms(result.p99)} | ${ms(result.p999)} | ${n(result.errors)} | ${notes} |`;
}

/** Row I: what an ingester does with twice the deliveries it can take. */
export function overloadRow(overload: OverloadResult): string {
  const share = (count: number) => `${n((100 * count) / Math.max(1, overload.sent))} %`;
  return [
    `| I. overload, open loop ${n(overload.rate)}/s (2 × ${n(overload.capacityRps)}), ${n(overload.connections)} connections, HOOKLINE_MAX_IN_FLIGHT ${n(overload.maxInFlight)}`,
    `${n(overload.accepted / overload.seconds)} accepted/s`,
    ms(overload.acceptedP50),
    ms(overload.acceptedP99),
    '',
    n(overload.other),
    `200: ${share(overload.accepted)} · 503 overloaded: ${share(overload.shed)}, p50 ${ms(overload.shedP50)}, p99 ${ms(overload.shedP99)} · stored ${n(overload.stored)}, every 200 once: ${overload.everyAcceptedStoredOnce ? 'yes' : 'NO'} |`,
  ].join(' | ');
}

const mib = (bytes: number) => `${n(bytes / 1024 / 1024)} MiB`;

function retentionRow(r: RetentionResult): string {
  return (
    `| R. F while a retention pass removes ${n(r.agedRows)} aged events | ${n(r.withPass.eventsPerSecond)} events/s | | | | | ` +
    `R/F′ ${n(r.withPass.eventsPerSecond / r.baseline.eventsPerSecond, 2)} (F′ ${n(r.baseline.eventsPerSecond)} events/s, same data, no pass) · ` +
    `pass removed ${n(r.removedEvents)} in ${n(r.passSeconds, 1)} s · event rows ${mib(r.before.rows)} → ${mib(r.after.rows)}, ` +
    `bodies ${mib(r.before.bodies)} → ${mib(r.after.bodies)} (after the drain's ${n(r.withPass.seconds * r.withPass.eventsPerSecond)} new events) |`
  );
}

/** The one table `pnpm bench` prints and writes to bench/results/latest.md. */
export function renderMarkdown(results: BenchResults): string {
  const { machine, ceiling, naive, hookline, duplicates, spike, naiveSpike, processing, noop, raw, overload, retention } =
    results;
  return [
    `# Hookline benchmark (${machine.mode}, ${machine.date})`,
    '',
    `Machine: ${machine.cores} cores · Node ${machine.node} · Redis ${machine.redis} · ${machine.postgres}. Load generators run on the same cores.`,
    '',
    '| scenario | rate | p50 | p99 | p99.9 | errors | notes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    httpRow('A. ceiling: bare Fastify, buffer body', ceiling),
    httpRow('B. naive: verify + INSERT before answering', naive),
    httpRow(
      'C. Hookline ingester, unique ids',
      hookline,
      `C/A ${n(hookline.rps / ceiling.rps, 2)} · C/B ${n(hookline.rps / naive.rps, 2)} · RSS ${n(hookline.ingesterRssMiB)} MiB`,
    ),
    httpRow('D. duplicate storm (90 % repeats)', duplicates, `D/C ${n(duplicates.rps / hookline.rps, 2)}`),
    httpRow(
      `E. spike, open loop ${n(spike.rate)}/s`,
      spike,
      `peak queue ${n(spike.peakQueueDepth)} · drained ${n(spike.drainSeconds, 1)} s after · end-to-end p50 ${ms(spike.endToEndP50Ms)}, p99 ${ms(spike.endToEndP99Ms)}`,
    ),
    httpRow(`E′. naive at the same ${n(spike.rate)}/s`, naiveSpike),
    `| F. worker drains backlog into Postgres | ${n(processing.eventsPerSecond)} events/s | | | | | F/G ${n(processing.eventsPerSecond / noop.eventsPerSecond, 2)} · F/H ${n(processing.eventsPerSecond / raw.rowsPerSecond, 2)} · worker RSS ${n(processing.workerRssMiB)} MiB |`,
    `| G. no-op BullMQ worker, same backlog | ${n(noop.eventsPerSecond)} jobs/s | | | | | |`,
    `| H. raw multi-row INSERT (500/stmt) | ${n(raw.rowsPerSecond)} rows/s | | | | | |`,
    overloadRow(overload),
    retentionRow(retention),
    `| M. Redis memory per 10,000 waiting events | ${n(processing.redisBytesPer10k / 1024 / 1024, 1)} MiB | | | | | |`,
    '',
    'I: p50/p99 are those of the deliveries answered 200 (timed from when each was due); errors are answers neither 200 nor 503 overloaded.',
    '',
    `CPU budget per delivery in C: ${n(hookline.nodeMicrosPerRequest, 1)} µs in the ingester's Node process, ${n(hookline.redisMicrosPerRequest, 1)} µs in Redis.`,
    '',
  ].join('\n');
}
