// `pnpm --filter @hookline/bench compare -- <other checkout> [--quick]`: the ingester's closed loop
// (C), the steady open loop with the worker running (S) and the worker's drain (F), each for the
// roles of another checkout (built here) and of this one, alternately, in one run on one machine:
// the before/after of a change, as bench/results/history.md records it.
import { profile } from './bench-config.js';
import { BenchContext } from './context.js';
import { buildRoles } from './processes.js';
import { runHookline } from './scenarios/http.js';
import { drainWithWorker } from './scenarios/processing.js';
import { runWithWorker } from './scenarios/with-worker.js';

const other = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
if (other === undefined) throw new Error('usage: compare.ts <other checkout> [--quick]');
const settings = profile(process.argv.includes('--quick'));
const names = ['before', 'after'] as const;
const checkouts = { before: other, after: undefined };
// One context per checkout: the scenarios name their databases and prefixes by scenario.
const contexts = { before: new BenchContext(), after: new BenchContext() };
const use = (name: (typeof names)[number]) => {
  const root = checkouts[name];
  if (root === undefined) delete process.env.BENCH_ROLES_ROOT;
  else process.env.BENCH_ROLES_ROOT = root;
  return contexts[name];
};

try {
  for (const name of names) {
    use(name);
    buildRoles();
  }
  const rows: string[] = [];
  for (const name of names) {
    const c = await runHookline(use(name), settings, 'unique');
    rows.push(
      `${name} C: ${c.rps.toFixed(0)} req/s · p50 ${c.p50} ms · p99 ${c.p99} ms · ${c.nodeMicrosPerRequest.toFixed(1)} µs Node + ${c.redisMicrosPerRequest.toFixed(1)} µs Redis per delivery`,
    );
  }
  for (const name of names) {
    const f = await drainWithWorker(use(name), settings);
    rows.push(`${name} F: ${f.eventsPerSecond.toFixed(0)} events/s · first row ${f.firstRowSeconds.toFixed(1)} s`);
  }
  for (const name of names) {
    const s = await runWithWorker(use(name), {
      label: `steady_${name}`,
      rate: settings.spikeRate,
      seconds: settings.steadySeconds,
    });
    rows.push(
      `${name} open loop ${s.rate}/s with the worker: ack p50 ${s.p50.toFixed(1)} ms · p99 ${s.p99.toFixed(1)} ms · errors ${s.errors} · end-to-end p50 ${s.endToEndP50Ms.toFixed(0)} ms · p99 ${s.endToEndP99Ms.toFixed(0)} ms · SYN drops ${s.diagnosis.listenOverflows}`,
    );
  }
  console.log(rows.join('\n'));
} finally {
  for (const context of Object.values(contexts)) await context.cleanup();
}
