import { waitFor } from '@hookline/e2e/harness';
import { describe, expect, it } from 'vitest';
import { useFaultServers } from './src/fault-suite.js';
import { sleep } from './src/ports.js';
import { readyStatus } from './src/processes.js';
import { isSettled } from './src/scenario.js';
import { type Attempt, countOutcomes, deliver, startStream } from './src/sender.js';
import { expectStoredOnce } from './src/stored-once.js';

const servers = useFaultServers({ restart: 'redis' });

/** Delivers one event, re-sending it until it is answered 200, as a sender does. */
async function deliverUntilAccepted(baseUrl: string, eventId: string): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (;;) {
    const attempt = await deliver(baseUrl, eventId);
    attempts.push(attempt);
    if (attempt.outcome === 200) return attempts;
    await sleep(200);
  }
}

describe('Redis killed with SIGKILL under a steady stream of deliveries', () => {
  it('stores every acknowledged delivery exactly once after an AOF restart, answering 503 queue_unavailable meanwhile', async () => {
    // Short locks: a job whose completion was cut off by the crash is taken over quickly.
    const worker = await servers.scenario.startWorker({
      HOOKLINE_LOCK_DURATION_MS: '3000',
      HOOKLINE_RETRY_BASE_MS: '100',
      HOOKLINE_RETRY_CAP_MS: '1000',
    });
    const ingester = await servers.scenario.startIngester();
    const stream = startStream({ baseUrl: ingester.url, idPrefix: 'evt', senders: 8, pauseMs: 10, retryDelayMs: 200 });

    await waitFor('deliveries acknowledged before the crash', async () => (stream.acknowledged.size >= 300 ? true : undefined));
    await servers.redis.kill();
    const killedAt = Date.now();
    const readyDuringOutage: number[] = [];
    while (Date.now() - killedAt < 4000) {
      readyDuringOutage.push(await readyStatus(ingester));
      await sleep(250);
    }
    const restartedAt = Date.now();
    await servers.redis.start();

    await waitFor('the ingester ready again', async () => ((await readyStatus(ingester)) === 200 ? true : undefined));
    await waitFor('deliveries acknowledged after the restart', async () => {
      const after = stream.attempts.filter((attempt) => attempt.startedAt > restartedAt && attempt.outcome === 200);
      return after.length >= 300 ? true : undefined;
    });
    await stream.stop();

    // Everything the sender was told 200 for, and every re-sent delivery, stored exactly once.
    expect(stream.acknowledged.size).toBe(stream.sent.size);
    await expectStoredOnce(servers.scenario, stream.acknowledged);

    // The sender only ever saw 200 or 503: no 500, no dropped connection.
    const outcomes = countOutcomes(stream.attempts);
    expect(Object.keys(outcomes).sort()).toEqual(['200', '503']);
    // While Redis was down every delivery was refused promptly with 503 queue_unavailable and Retry-After.
    const duringOutage = stream.attempts.filter((attempt) => attempt.startedAt >= killedAt && attempt.finishedAt <= restartedAt);
    expect(duringOutage.length).toBeGreaterThan(0);
    for (const attempt of duringOutage) {
      expect(attempt).toMatchObject({ outcome: 503, code: 'queue_unavailable', retryAfter: '5' });
      // Loose: the enqueue timeout is 1 s; this only catches a hang on a shared, noisy machine.
      expect(attempt.finishedAt - attempt.startedAt).toBeLessThan(3000);
    }
    expect(readyDuringOutage.length).toBeGreaterThan(0);
    expect(readyDuringOutage.filter((status) => status === 200)).toEqual([]);
    // Both processes rode it out: nobody restarted them.
    expect(worker.isRunning()).toBe(true);
    expect(ingester.isRunning()).toBe(true);
    expect(await readyStatus(worker)).toBe(200);
  });

  it('has the same worker process pick up new deliveries after Redis was down longer than its drain delay', async () => {
    const worker = await servers.scenario.startWorker();
    const ingester = await servers.scenario.startIngester();
    await deliverUntilAccepted(ingester.url, 'before-outage');
    await waitFor('the first delivery stored', async () =>
      (await servers.scenario.storedEvents()).processed === 1 ? true : undefined,
    );

    // The worker now waits on an empty queue in a blocking pop (drainDelay 5 s). Redis goes away
    // for well over that, so the blocking command's timeout passes while the server is gone.
    await servers.redis.kill();
    await sleep(9000);
    expect(await readyStatus(worker)).not.toBe(200);
    await servers.redis.start();

    const eventIds = Array.from({ length: 20 }, (_, n) => `after-outage-${n}`);
    await Promise.all(eventIds.map((eventId) => deliverUntilAccepted(ingester.url, eventId)));
    await waitFor(
      'deliveries enqueued after the restart stored by the same worker',
      async () => ((await servers.scenario.storedEvents()).processed === 21 ? true : undefined),
      60_000,
    );
    expect(await servers.scenario.storedEventIds()).toEqual(new Set(['before-outage', ...eventIds]));
    await waitFor('the queue settled', async () => (isSettled(await servers.scenario.queueState()) ? true : undefined));
    expect(await servers.scenario.queueState()).toMatchObject({ failed: 0, completed: 21 });
    expect(worker.isRunning()).toBe(true);
    expect(await readyStatus(worker)).toBe(200);
  });
});
