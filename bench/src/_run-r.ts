import { profile } from './bench-config.js';
import { BenchContext } from './context.js';
import { drainDuringRetention } from './scenarios/retention.js';

const context = new BenchContext();
try {
  const settings = { ...profile(true), backlog: 20_000, agedRows: Number(process.env.AGED ?? 300_000) };
  const result = await drainDuringRetention(context, settings);
  console.log(JSON.stringify(result, null, 2));
  console.log('ratio', result.withPass.eventsPerSecond / result.baseline.eventsPerSecond);
} finally {
  await context.cleanup();
}
