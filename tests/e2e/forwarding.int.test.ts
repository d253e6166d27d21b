import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { type ForwardWithAttempts, listForwards } from '@hookline/db';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminAuth, startAdmin } from './admin-harness.js';
import { createPipeline, jobBody, type Pipeline, SOURCES_YAML, signedDelivery, sourceEnv, waitFor } from './harness.js';
import { type Receiver, type Reply, startReceiver } from './receiver.js';

const FORWARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The test source, forwarding to `destinations`. */
function forwardingConfig(...destinations: Record<string, unknown>[]): SourcesConfig {
  const yaml = `${SOURCES_YAML}    forward: ${JSON.stringify(destinations.map((destination) => ({ secretEnv: 'FORWARD_SECRET', ...destination })))}\n`;
  const parsed = parseSourcesConfig(yaml, { ...sourceEnv, FORWARD_SECRET });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

let pipeline: Pipeline;
let receiver: Receiver | undefined;

beforeEach(async () => {
  pipeline = await createPipeline();
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await pipeline.close();
});

async function receive(reply: (index: number) => Reply): Promise<Receiver> {
  receiver = await startReceiver((_request, index) => reply(index));
  return receiver;
}

async function send(eventId: string, status = 'running', jobId = `job-${eventId}`): Promise<void> {
  const response = await pipeline.ingester.inject(signedDelivery(eventId, jobBody(jobId, status)));
  expect(response.statusCode).toBe(200);
}

async function forwardsOf(eventId: string): Promise<ForwardWithAttempts[]> {
  return listForwards(pipeline.database.client.db, { source: 'jobs', eventId });
}

/** Waits until the event's only delivery is no longer pending, and returns it. */
async function finished(eventId: string, timeoutMs = 30_000): Promise<ForwardWithAttempts> {
  return waitFor(
    `delivery of ${eventId} finished`,
    async () => {
      const [delivery] = await forwardsOf(eventId);
      return delivery !== undefined && delivery.state !== 'pending' ? delivery : undefined;
    },
    timeoutMs,
  );
}

const ok: Reply = { status: 200 };

describe('forwarding a stored event', () => {
  it('POSTs the envelope signed so that the standardwebhooks package verifies it', async () => {
    const downstream = await receive(() => ok);
    await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url('/hooks') }) });
    await send('evt-signed', 'running', 'job-signed');

    const delivery = await finished('evt-signed');
    expect(delivery).toMatchObject({
      state: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      destination: downstream.url('/hooks'),
    });
    const [request] = downstream.requests;
    expect(request?.path).toBe('/hooks');
    const verified = new Webhook(FORWARD_SECRET).verify(request?.body as string, request?.headers as Record<string, string>);
    expect(verified).toEqual({
      eventId: 'evt-signed',
      source: 'jobs',
      type: 'job.updated',
      entityId: 'job-signed',
      status: 'running',
      transition: 'applied',
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      replay: false,
      payload: { type: 'job.updated', job: { id: 'job-signed', status: 'running' } },
    });
    expect(request?.headers['webhook-id']).toBe(delivery.messageId);
    expect(delivery.attemptLog).toMatchObject([{ attempt: 1, outcome: 'delivered', statusCode: 200, error: null }]);
    expect(delivery.attemptLog[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("forwards a form-encoded event with its fields as the envelope's JSON payload", async () => {
    const downstream = await receive(() => ok);
    await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url() }) });
    const fields = { type: 'job.updated', job: { id: 'job-form', status: 'running' } };
    const body = `payload=${encodeURIComponent(JSON.stringify(fields))}`;
    const delivery = signedDelivery('evt-form', body);
    const response = await pipeline.ingester.inject({
      ...delivery,
      headers: { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(200);

    expect(await finished('evt-form')).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(JSON.parse(downstream.requests[0]?.body ?? '')).toMatchObject({ eventId: 'evt-form', payload: fields });
  });

  it('retries 503, 503 and delivers once on attempt 3, with one webhook-id', async () => {
    const downstream = await receive((index) => (index < 2 ? { status: 503 } : ok));
    await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url() }) });
    await send('evt-503');

    const delivery = await finished('evt-503');
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3, lastStatusCode: 200 });
    expect(delivery.attemptLog.map(({ attempt, outcome, statusCode }) => [attempt, outcome, statusCode])).toEqual([
      [1, 'retry', 503],
      [2, 'retry', 503],
      [3, 'delivered', 200],
    ]);
    expect(downstream.requests).toHaveLength(3);
    expect(new Set(downstream.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([delivery.messageId]));
    // The event itself was stored once, on its first attempt: a failing destination never repeats storage.
    const job = await pipeline.queue.getJob('jobs/evt-503');
    expect(job?.attemptsMade).toBeLessThanOrEqual(1);
    expect(await job?.isCompleted()).toBe(true);
  });

  it('fails a 400 at once, without retries', async () => {
    const downstream = await receive(() => ({ status: 400 }));
    const worker = await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url() }) });
    await send('evt-400');

    const delivery = await finished('evt-400');
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastStatusCode: 400, lastError: null });
    expect(delivery.attemptLog).toMatchObject([{ attempt: 1, outcome: 'rejected', statusCode: 400 }]);
    const job = await waitFor('delivery job failed', async () => {
      const found = await worker.forwarder.queue.getJob(delivery.messageId);
      return (await found?.isFailed()) ? found : undefined;
    });
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('destination answered 400');
    expect(downstream.requests).toHaveLength(1);
  });

  it('shows each delivery with its attempts in the events API, and the deliveries queue on Bull Board', async () => {
    const downstream = await receive((index) => (index === 0 ? { status: 503 } : { status: 400 }));
    await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url('/a') }) });
    await send('evt-admin');
    const delivery = await finished('evt-admin');
    const admin = await startAdmin(pipeline);
    try {
      const detail = await admin.app.inject({ method: 'GET', url: '/api/events/jobs/evt-admin', headers: adminAuth });
      expect(detail.json().forwards).toEqual([
        expect.objectContaining({
          destination: downstream.url('/a'),
          messageId: delivery.messageId,
          state: 'failed',
          attempts: 2,
          lastStatusCode: 400,
          attemptLog: [
            expect.objectContaining({ attempt: 1, outcome: 'retry', statusCode: 503 }),
            expect.objectContaining({ attempt: 2, outcome: 'rejected', statusCode: 400 }),
          ],
        }),
      ]);
      const board = await waitFor('the failed delivery on Bull Board', async () => {
        const { queues } = (await admin.app.inject({ method: 'GET', url: '/queues/api/queues', headers: adminAuth })).json();
        const forwardsQueue = queues.find((queue: { name: string }) => queue.name === 'deliveries');
        return forwardsQueue?.counts.failed === 1 ? queues : undefined;
      });
      expect(board.map((queue: { name: string }) => queue.name).sort()).toEqual(['deliveries', 'events']);
    } finally {
      await admin.close();
    }
  });

  it('sends a failed delivery again when an operator retries its job', async () => {
    const downstream = await receive((index) => (index === 0 ? { status: 404 } : ok));
    const worker = await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url() }) });
    await send('evt-fixed');
    const failed = await finished('evt-fixed');
    expect(failed.state).toBe('failed');
    const job = await waitFor('delivery job failed', async () => {
      const found = await worker.forwarder.queue.getJob(failed.messageId);
      return (await found?.isFailed()) ? found : undefined;
    });

    await job.retry();
    const delivered = await waitFor('delivered after the retry', async () => {
      const [delivery] = await forwardsOf('evt-fixed');
      return delivery?.state === 'delivered' ? delivery : undefined;
    });
    expect(delivered.attemptLog.map(({ attempt, outcome }) => [attempt, outcome])).toEqual([
      [1, 'rejected'],
      [2, 'delivered'],
    ]);
    expect(new Set(downstream.requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
  });

  it('waits at least as long as Retry-After asks before the next attempt', async () => {
    const downstream = await receive((index) => (index === 0 ? { status: 429, headers: { 'retry-after': '2' } } : ok));
    await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url() }) });
    await send('evt-429');

    const delivery = await finished('evt-429');
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 2 });
    const [first, second] = downstream.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(2000);
  });

  it('retries a request that times out', async () => {
    const downstream = await receive((index) => (index === 0 ? 'hang' : ok));
    await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url(), timeoutMs: 300 }) });
    await send('evt-timeout');

    const delivery = await finished('evt-timeout');
    expect(delivery.attemptLog.map(({ outcome, error }) => [outcome, error])).toEqual([
      ['retry', 'timeout after 300 ms'],
      ['delivered', null],
    ]);
  });

  it('delivers everything once a destination that was down for 30 s is back', async () => {
    const downstream = await receive(() => ok);
    const url = downstream.url();
    await downstream.stop();
    await pipeline.startWorker({
      config: forwardingConfig({ url, attempts: 30, breaker: { failures: 3, cooldownMs: 2000 } }),
    });
    const ids = Array.from({ length: 10 }, (_, i) => `evt-down-${i}`);
    for (const id of ids) await send(id);
    await waitFor('every delivery attempted while down', async () => {
      const all = await Promise.all(ids.map((id) => forwardsOf(id)));
      return all.every(([delivery]) => delivery !== undefined) ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    expect(downstream.requests).toHaveLength(0);
    await downstream.restart();

    for (const id of ids) expect((await finished(id, 60_000)).state).toBe('delivered');
    const messageIds = downstream.requests.map((request) => request.headers['webhook-id']);
    expect(new Set(messageIds).size).toBe(ids.length);
    expect(messageIds).toHaveLength(ids.length);
  }, 120_000);
});

describe('the per-destination circuit breaker', () => {
  it('opens after N failures, sends nothing while open, probes after the cool-down, and closes on success', async () => {
    const cooldownMs = 1500;
    // Three failures open it; the first probe fails too and re-opens it; everything after succeeds.
    const downstream = await receive((index) => (index < 4 ? { status: 503 } : ok));
    const worker = await pipeline.startWorker({
      config: forwardingConfig({ url: downstream.url(), attempts: 6, breaker: { failures: 3, cooldownMs } }),
    });
    const breakerKey = worker.forwarder.breaker.keyFor(downstream.url());
    await send('evt-breaker-a');
    await waitFor('breaker open', async () =>
      (await pipeline.producer.hget(breakerKey, 'state')) === 'open' ? true : undefined,
    );
    const parked = ['evt-breaker-b', 'evt-breaker-c', 'evt-breaker-d'];
    for (const id of parked) await send(id);

    for (const id of ['evt-breaker-a', ...parked]) expect((await finished(id)).state).toBe('delivered');
    const at = downstream.requests.map((request) => request.at);
    // Nothing reached the server between the third failure and the end of the cool-down,
    // nor between the failed probe and the end of the next one.
    expect((at[3] ?? 0) - (at[2] ?? 0)).toBeGreaterThanOrEqual(cooldownMs);
    expect((at[4] ?? 0) - (at[3] ?? 0)).toBeGreaterThanOrEqual(cooldownMs);
    expect(downstream.requests).toHaveLength(4 + 4);
    expect(await pipeline.producer.exists(breakerKey)).toBe(0);
    // Parked deliveries spent no attempts waiting: each made at most its one send plus a probe.
    for (const id of parked) expect((await forwardsOf(id))[0]?.attempts).toBeLessThanOrEqual(2);
  });
});

describe('exactly-once enqueue', () => {
  it('re-enqueues a pending delivery whose job was lost, through the sweeper', async () => {
    const downstream = await receive(() => ok);
    const worker = await pipeline.startWorker({
      config: forwardingConfig({ url: downstream.url() }),
      sweep: { intervalMs: 200, olderThanMs: 500 },
    });
    await worker.forwarder.queue.pause();
    await send('evt-lost');
    const [pending] = await waitFor('delivery written', async () => {
      const found = await forwardsOf('evt-lost');
      return found.length > 0 && (await worker.forwarder.queue.getJob(found[0]?.messageId as string)) ? found : undefined;
    });
    await (await worker.forwarder.queue.getJob(pending?.messageId as string))?.remove();
    await worker.forwarder.queue.resume();

    expect((await finished('evt-lost')).state).toBe('delivered');
    expect(downstream.requests).toHaveLength(1);
  });

  it('forwards an operator replay again as a new message marked replay', async () => {
    const downstream = await receive(() => ok);
    await pipeline.startWorker({ config: forwardingConfig({ url: downstream.url() }) });
    await send('evt-replayed', 'running', 'job-replayed');
    await finished('evt-replayed');
    // What an operator's replay enqueues: the stored event again, flagged, under a job id of its own.
    const original = await pipeline.queue.getJob('jobs/evt-replayed');
    if (original === undefined) throw new Error('original job gone');
    await pipeline.queue.add('jobs', { ...original.data, replay: true }, { jobId: 'replay-evt-replayed-1' });

    await waitFor('replay delivered', async () => {
      const all = await forwardsOf('evt-replayed');
      return all.length === 2 && all.every((delivery) => delivery.state === 'delivered') ? all : undefined;
    });
    expect(downstream.requests).toHaveLength(2);
    const [first, second] = downstream.requests.map((request) => JSON.parse(request.body) as { replay: boolean });
    expect([first?.replay, second?.replay]).toEqual([false, true]);
    expect(downstream.requests[0]?.headers['webhook-id']).not.toBe(downstream.requests[1]?.headers['webhook-id']);
  });
});
