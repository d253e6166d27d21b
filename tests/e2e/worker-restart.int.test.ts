import { fileURLToPath } from 'node:url';
import { listForwards, webhookEvents } from '@hookline/db';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline, exited, jobBody, type Pipeline, SOURCES_YAML, signedDelivery, spawnWorker, waitFor } from './harness.js';
import { type Receiver, startReceiver } from './receiver.js';

const FORWARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const handlerPath = fileURLToPath(new URL('./fixtures/record-effect.ts', import.meta.url));

let pipeline: Pipeline;
let receiver: Receiver;

beforeEach(async () => {
  pipeline = await createPipeline();
  await pipeline.database.client.db.execute(
    sql`create table handler_effects (id serial primary key, event_id text not null, attempt int not null)`,
  );
});

afterEach(async () => {
  await receiver.close();
  await pipeline.close();
});

describe('a worker process killed mid-delivery', () => {
  it('has the delivery completed by the next worker, with one webhook-id, and the handler effect still once', async () => {
    // The first request is held open: the worker is killed while it waits for the answer.
    receiver = await startReceiver((_request, index) => (index === 0 ? 'hang' : { status: 200 }));
    const sourcesYaml = `${SOURCES_YAML}    handlers: [${JSON.stringify(handlerPath)}]
    forward: [{ url: ${JSON.stringify(receiver.url('/in'))}, secretEnv: FORWARD_SECRET, timeoutMs: 60000 }]
`;
    const env = { FORWARD_SECRET, HOOKLINE_LOCK_DURATION_MS: '1500' };
    const first = spawnWorker(pipeline, env, sourcesYaml);
    await pipeline.ingester.inject(signedDelivery('evt-killed', jobBody('job-killed', 'running')));
    await waitFor('the first send reached the receiver', async () => (receiver.requests.length > 0 ? true : undefined));
    first.kill('SIGKILL');
    await exited(first);

    const second = spawnWorker(pipeline, env, sourcesYaml);
    try {
      const delivery = await waitFor('delivery finished after restart', async () => {
        const [found] = await listForwards(pipeline.database.client.db, { source: 'jobs', eventId: 'evt-killed' });
        return found?.state === 'delivered' ? found : undefined;
      });
      // Attempt 1 was cut short by the kill: counted, with no outcome.
      expect(delivery.attemptLog.map(({ attempt, outcome }) => [attempt, outcome])).toEqual([
        [1, null],
        [2, 'delivered'],
      ]);
      expect(receiver.requests).toHaveLength(2);
      expect(new Set(receiver.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([delivery.messageId]));
      const effects = await pipeline.database.client.db.execute(
        sql`select count(*)::int as n from handler_effects where event_id = 'evt-killed'`,
      );
      expect(effects[0]).toEqual({ n: 1 });
      const [event] = await pipeline.database.client.db
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.eventId, 'evt-killed'));
      expect(event).toMatchObject({ attempts: 1, transition: 'applied' });
    } finally {
      second.kill('SIGTERM');
    }
    expect(await exited(second)).toBe(0);
  });

  it('refuses to start when a handler module is missing, naming the source and path', async () => {
    receiver = await startReceiver(() => ({ status: 200 }));
    const child = spawnWorker(pipeline, {}, `${SOURCES_YAML}    handlers: [./no-such-handler.ts]\n`, 'pipe');
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // 'close', not 'exit': the output streams may still hold the last lines when the process exits.
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(output).toContain('sources[0].handlers[0] (source \\"jobs\\", handler ./no-such-handler.ts): cannot load');
    expect(output).toContain('no-such-handler.ts: module not found');
  });
});
