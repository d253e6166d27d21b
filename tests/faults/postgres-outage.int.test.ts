import { waitFor } from '@hookline/e2e/harness';
import { describe, expect, it } from 'vitest';
import { useFaultServers } from './src/fault-suite.js';
import { sleep } from './src/ports.js';
import { readyStatus } from './src/processes.js';
import { countOutcomes, startStream } from './src/sender.js';
import { expectStoredOnce } from './src/stored-once.js';

const servers = useFaultServers({ restart: 'postgres' });

const OUTAGE_MS = 20_000;

describe('Postgres stopped for 20 s while deliveries keep arriving', () => {
  it('stores every event exactly once after it is back, losing no job, with the same worker process', async () => {
    // 12 attempts with this backoff take at least ~32 s (delays jitter over the upper half of
    // 0.5, 1, 2, 4, 8, 8, … s): longer than the outage, so no job runs out of attempts.
    const worker = await servers.scenario.startWorker({ HOOKLINE_RETRY_BASE_MS: '500', HOOKLINE_RETRY_CAP_MS: '8000' });
    const ingester = await servers.scenario.startIngester();
    const stream = startStream({ baseUrl: ingester.url, idPrefix: 'evt', senders: 4, pauseMs: 40, retryDelayMs: 200 });
    await waitFor('events stored before the outage', async () =>
      (await servers.scenario.storedEvents()).processed >= 100 ? true : undefined,
    );

    await servers.postgres.stop('immediate');
    const stoppedAt = Date.now();
    const readyDuringOutage: number[] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      readyDuringOutage.push(await readyStatus(worker));
      await sleep(500);
    }
    const sentDuringOutage = stream.attempts.filter((attempt) => attempt.startedAt >= stoppedAt).length;
    const queueDuringOutage = await servers.scenario.queueState();
    await servers.postgres.start();

    await waitFor('the worker ready again', async () => ((await readyStatus(worker)) === 200 ? true : undefined), 30_000);
    await sleep(1000);
    await stream.stop();

    await expectStoredOnce(servers.scenario, stream.acknowledged);

    // The ingester never needed Postgres: senders were answered 200 throughout.
    expect(countOutcomes(stream.attempts)).toEqual({ 200: stream.attempts.length });
    expect(sentDuringOutage).toBeGreaterThan(0);
    // Jobs waited for Postgres in Redis (retrying with backoff) instead of failing for good.
    expect(queueDuringOutage.failed).toBe(0);
    expect(readyDuringOutage.length).toBeGreaterThan(0);
    expect(readyDuringOutage.filter((status) => status === 200)).toEqual([]);
    expect(worker.isRunning()).toBe(true);
    expect(await readyStatus(worker)).toBe(200);
  });
});
