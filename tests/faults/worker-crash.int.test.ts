import { entityStates } from '@hookline/db';
import { waitFor } from '@hookline/e2e/harness';
import { describe, expect, it } from 'vitest';
import { planBacklog } from './src/backlog.js';
import { useFaultServers } from './src/fault-suite.js';
import { isSettled } from './src/scenario.js';

const servers = useFaultServers();

describe('a worker process SIGKILLed in the middle of a backlog', () => {
  it('leaves every event stored once and every entity at its highest-ranked status, with the other worker taking over', async () => {
    const backlog = planBacklog(1000, 5, 4);
    const outcomes = await servers.scenario.enqueue(backlog.deliveries);
    // The edge absorbed the second copy of each delivery.
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(backlog.uniqueEvents);
    expect(backlog.uniqueEvents).toBe(5000);

    // Short locks: the killed worker's jobs are taken over as stalled within seconds.
    const env = { WORKER_CONCURRENCY: '50', HOOKLINE_LOCK_DURATION_MS: '2000' };
    const [doomed, survivor] = await Promise.all([servers.scenario.startWorker(env), servers.scenario.startWorker(env)]);
    await waitFor('part of the backlog stored', async () =>
      (await servers.scenario.storedEvents()).processed >= 1000 ? true : undefined,
    );
    doomed.child.kill('SIGKILL');
    await doomed.exit;
    const atKill = await servers.scenario.storedEvents();
    expect(atKill.processed).toBeLessThan(backlog.uniqueEvents);

    await waitFor(
      'the whole backlog stored and the queue settled',
      async () => {
        const stored = await servers.scenario.storedEvents();
        return stored.processed === backlog.uniqueEvents && isSettled(await servers.scenario.queueState()) ? true : undefined;
      },
      120_000,
    );
    expect(await servers.scenario.storedEvents()).toEqual({ rows: 5000, distinct: 5000, processed: 5000 });
    expect(await servers.scenario.queueState()).toMatchObject({ active: 0, stalled: 0, failed: 0, completed: 5000 });

    const states = await servers.scenario.database.db.select().from(entityStates);
    expect(states).toHaveLength(backlog.expected.size);
    const wrong = states
      .filter((state) => backlog.expected.get(state.entityId) !== state.status)
      .map((state) => ({ entityId: state.entityId, status: state.status, expected: backlog.expected.get(state.entityId) }));
    expect(wrong).toEqual([]);
    expect(survivor.isRunning()).toBe(true);
    // The kill did catch jobs in flight: they were moved back as stalled and completed by the survivor.
    const completed = await servers.scenario.queue.getJobs(['completed'], 0, -1);
    expect(completed.filter((job) => job.stalledCounter > 0).length).toBeGreaterThan(0);
  });
});
