import type { LoadResult } from './load/load-result.js';
import type { HookIngestResult } from './scenarios/http.js';
import type { OverloadResult } from './scenarios/overload.js';
import type { DrainCpu, DrainResult, WorkerDrainResult } from './scenarios/processing.js';
import type { RetentionResult } from './scenarios/retention.js';
import type { WithWorkerResult } from './scenarios/with-worker.js';

export interface BenchResults {
  readonly machine: {
    cores: number;
    node: string;
    redis: string;
    postgres: string;
    mode: 'quick' | 'full';
    date: string;
    /** 1-minute load average when the run started and when it ended: other work on the machine. */
    loadAverage: readonly [number, number];
  };
  readonly ceiling: LoadResult;
  readonly naive: LoadResult;
  readonly hookline: HookIngestResult;
  readonly duplicates: HookIngestResult;
  readonly spike: WithWorkerResult;
  readonly spikeNiced: WithWorkerResult;
  readonly naiveSpike: LoadResult;
  readonly steady: WithWorkerResult;
  readonly steadyNiced: WithWorkerResult;
  readonly processing: WorkerDrainResult & { redisBytesPer10k: number };
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

const drainCpu = (cpu: DrainCpu) =>
  `worker ${n(cpu.worker)} µs · Redis ${n(cpu.redis)} µs${cpu.postgres > 0 ? ` · Postgres ${n(cpu.postgres)} µs` : ''}`;
const cpuSum = (cpu: DrainCpu) => cpu.worker + cpu.redis + cpu.postgres;

const who = (result: WithWorkerResult) =>
  result.workerNice === undefined
    ? 'all processes at one priority'
    : `worker and its Postgres sessions at nice ${result.workerNice}`;

const errorKinds = (result: LoadResult) =>
  Object.entries(result.errorKinds ?? {})
    .map(([kind, count]) => ` · ${n(count)} × ${kind}`)
    .join('');

function withWorkerRow(name: string, result: WithWorkerResult): string {
  return httpRow(
    `${name}, open loop ${n(result.rate)}/s, worker running, ${who(result)}`,
    result,
    `end-to-end p50 ${ms(result.endToEndP50Ms)}, p99 ${ms(result.endToEndP99Ms)} · peak queue ${n(result.peakQueueDepth)} · drained ${n(result.drainSeconds, 1)} s after${errorKinds(result)}`,
  );
}

/** The first three seconds' p99, then the worst of the rest. */
function bySecond(p99s: readonly number[]): string {
  const shown = p99s.slice(0, 3).map((p99) => n(p99));
  const rest = p99s.slice(3);
  if (rest.length > 0) shown.push(`rest ≤ ${n(Math.max(...rest))}`);
  return shown.join(' · ');
}

function diagnosisRow(name: string, result: WithWorkerResult): string {
  const { cpuPercent: cpu, ...d } = result.diagnosis;
  return `| ${name} | ${n(cpu.ingester)} · ${n(cpu.worker)} · ${n(cpu.redis)} · ${n(cpu.generator)} · ${n(cpu.machine)} | ${ms(d.ingesterLoopDelayP99Ms)} · ${ms(d.ingesterLoopDelayMaxMs)} | ≤ ${ms(d.serverAckP99Ms)} | ${ms(d.redisPingP99Ms)} · ${ms(d.redisPingMaxMs)} | ${ms(d.generatorLateP99Ms)} · ${ms(d.generatorLoopDelayP99Ms)} | ${n(d.listenOverflows)} · ${n(d.synRetransmits)} | ${bySecond(result.p99BySecond ?? [])} |`;
}

/** The one table `pnpm bench` prints and writes to bench/results/latest.md. */
export function renderMarkdown(results: BenchResults): string {
  const {
    machine,
    ceiling,
    naive,
    hookline,
    duplicates,
    spike,
    spikeNiced,
    naiveSpike,
    steady,
    steadyNiced,
    processing,
    noop,
    raw,
    overload,
    retention,
  } = results;
  return [
    `# Hookline benchmark (${machine.mode}, ${machine.date})`,
    '',
    `Machine: ${machine.cores} cores · Node ${machine.node} · Redis ${machine.redis} · ${machine.postgres}. Load generators run on the same cores. Load average ${n(machine.loadAverage[0], 1)} at the start, ${n(machine.loadAverage[1], 1)} at the end.`,
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
    withWorkerRow('E. spike', spike),
    withWorkerRow('En. spike', spikeNiced),
    httpRow(`E′. naive at the same ${n(spike.rate)}/s`, naiveSpike, errorKinds(naiveSpike).slice(3)),
    withWorkerRow('S. steady, half of C', steady),
    withWorkerRow('Sn. steady, half of C', steadyNiced),
    `| F. worker drains backlog into Postgres | ${n(processing.eventsPerSecond)} events/s | | | | | F/G ${n(processing.eventsPerSecond / noop.eventsPerSecond, 2)} · F/H ${n(processing.eventsPerSecond / raw.rowsPerSecond, 2)} · first row ${n(processing.firstRowSeconds, 1)} s after start · worker RSS ${n(processing.workerRssMiB)} MiB · CPU per event: ${drainCpu(processing.cpuMicrosPerEvent)} |`,
    `| G. no-op BullMQ worker, same backlog, 200 jobs in flight | ${n(noop.eventsPerSecond)} jobs/s | | | | | CPU per job: ${drainCpu(noop.cpuMicrosPerEvent)} |`,
    `| H. raw multi-row INSERT (500/stmt) | ${n(raw.rowsPerSecond)} rows/s | | | | | |`,
    overloadRow(overload),
    retentionRow(retention),
    `| M. Redis memory per 10,000 waiting events | ${n(processing.redisBytesPer10k / 1024 / 1024, 1)} MiB | | | | | |`,
    '',
    'I: p50/p99 are those of the deliveries answered 200 (timed from when each was due); errors are answers neither 200 nor 503 overloaded.',
    '',
    `CPU budget per delivery in C: ${n(hookline.nodeMicrosPerRequest, 1)} µs in the ingester's Node process, ${n(hookline.redisMicrosPerRequest, 1)} µs in Redis.`,
    '',
    `What bounds F/G on ${machine.cores} cores: F costs ${n(cpuSum(processing.cpuMicrosPerEvent))} µs of CPU per event (worker, Redis and its Postgres sessions), G ${n(cpuSum(noop.cpuMicrosPerEvent))} µs per job; with every core busy F could reach ${n((machine.cores * 1e6) / cpuSum(processing.cpuMicrosPerEvent))} events/s and G ${n((machine.cores * 1e6) / cpuSum(noop.cpuMicrosPerEvent))} jobs/s, so F/G ≤ ${n(cpuSum(noop.cpuMicrosPerEvent) / cpuSum(processing.cpuMicrosPerEvent), 2)} on a machine where both are CPU-bound.`,
    '',
    'Where the time went in the open-loop rows (CPU in % of one core while the load ran; the machine column counts every process, other sessions included):',
    '',
    "| row | CPU % ingester · worker · Redis · generator · machine | ingester event-loop delay p99 · max | ingester's own ack p99 | Redis PING p99 · max | generator: sent late p99 · event-loop delay p99 | SYNs dropped at a full listen queue · resent | ack p99 of each second, ms |",
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    diagnosisRow('E', spike),
    diagnosisRow('En', spikeNiced),
    diagnosisRow('S', steady),
    diagnosisRow('Sn', steadyNiced),
    '',
  ].join('\n');
}
