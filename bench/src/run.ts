// `pnpm bench [--quick]`: every scenario, measured in one run on this machine, printed as one
// table and written to bench/results/latest.md and latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { profile } from './bench-config.js';
import { BenchContext } from './context.js';
import { buildRoles } from './processes.js';
import { redisVersion } from './redis-info.js';
import { type BenchResults, overloadRow, renderMarkdown } from './report.js';
import { runCeiling, runHookline, runNaive } from './scenarios/http.js';
import { runOverload } from './scenarios/overload.js';
import { drainWithNoopWorker, drainWithWorker, insertRaw } from './scenarios/processing.js';
import { drainDuringRetention } from './scenarios/retention.js';
import { runWithWorker } from './scenarios/with-worker.js';

const quick = process.argv.includes('--quick');
const loadAtStart = loadavg()[0] ?? 0;
const settings = profile(quick);
const context = new BenchContext();
const step = (name: string) => console.error(`· ${name}`);

async function postgresVersion(): Promise<string> {
  const sql = postgres(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { max: 1 });
  const [row] = await sql<{ server_version: string }[]>`show server_version`;
  await sql.end();
  return `PostgreSQL ${row?.server_version ?? 'unknown'}`;
}

try {
  step('building the roles (they run as deployed: node dist/main.js)');
  buildRoles();
  // `--only=overload`: that scenario alone, printed as its row; the committed results are left alone.
  if (process.argv.includes('--only=overload')) {
    step('I. overload');
    console.log(overloadRow(await runOverload(context, settings)));
  } else {
    step('A. ceiling');
    const ceiling = await runCeiling(settings);
    step('B. naive baseline');
    const naive = await runNaive(context, settings, 'closed');
    step('C. Hookline ingester');
    const hookline = await runHookline(context, settings, 'unique');
    step('D. duplicate storm');
    const duplicates = await runHookline(context, settings, 'duplicates');
    const spikeLoad = { rate: settings.spikeRate, seconds: settings.spikeSeconds };
    step('E. spike, worker running');
    const spike = await runWithWorker(context, { label: 'spike', ...spikeLoad });
    step('En. spike, worker at lower priority');
    const spikeNiced = await runWithWorker(context, { label: 'spike_niced', ...spikeLoad, workerNice: settings.workerNice });
    step('E′. naive at the spike rate');
    const naiveSpike = await runNaive(context, settings, spikeLoad);
    const steadyLoad = { rate: Math.round(hookline.rps / 2), seconds: settings.steadySeconds };
    step('S. steady at half of C, worker running');
    const steady = await runWithWorker(context, { label: 'steady', ...steadyLoad });
    step('Sn. steady, worker at lower priority');
    const steadyNiced = await runWithWorker(context, { label: 'steady_niced', ...steadyLoad, workerNice: settings.workerNice });
    step('F. worker drain');
    const processing = await drainWithWorker(context, settings);
    step('G. no-op worker drain');
    const noop = await drainWithNoopWorker(context, settings);
    step('H. raw inserts');
    const raw = await insertRaw(context, settings);
    step('I. overload');
    const overload = await runOverload(context, settings);
    step('R. worker drain during a retention pass');
    const retention = await drainDuringRetention(context, settings);

    const results: BenchResults = {
      machine: {
        cores: availableParallelism(),
        node: process.version,
        redis: await redisVersion(context.redis),
        postgres: await postgresVersion(),
        mode: quick ? 'quick' : 'full',
        date: new Date().toISOString(),
        loadAverage: [loadAtStart, loadavg()[0] ?? 0],
      },
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
    };
    const markdown = renderMarkdown(results);
    // BENCH_RESULTS_DIR lets the smoke test write elsewhere than the committed results.
    const dir = process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL('../results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.md'), markdown);
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(markdown);
  }
} finally {
  await context.cleanup();
}
