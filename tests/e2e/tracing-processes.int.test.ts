import { webhookEvents } from '@hookline/db';
import { UNHURRIED } from '@hookline/ingester/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureOutput,
  createPipeline,
  exited,
  jobBody,
  type Pipeline,
  SOURCES_YAML,
  type SpawnedIngester,
  signedDelivery,
  spawnIngester,
  spawnWorker,
  waitFor,
} from './harness.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.js';
import { type Receiver, startReceiver } from './receiver.js';

const FORWARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SENDER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SENDER_SPAN_ID = '00f067aa0ba902b7';

let pipeline: Pipeline;
let otlp: OtlpReceiver;
let destination: Receiver;
let ingester: SpawnedIngester;
let spans: ReceivedSpan[];

/** Sends a signed delivery to the ingester process as a sender would, over HTTP. */
async function deliver(eventId: string, body: string, extra: Record<string, string> = {}): Promise<Response> {
  const request = signedDelivery(eventId, body);
  return fetch(`${ingester.url}${request.url}`, {
    method: 'POST',
    headers: { ...request.headers, ...extra },
    body: request.payload,
  });
}

beforeAll(async () => {
  pipeline = await createPipeline();
  otlp = await startOtlpReceiver();
  destination = await startReceiver(() => ({ status: 200 }));
  const tracingEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint };
  // Unhurried, as the other tests' ingesters: a busy machine must not make it shed the delivery.
  ingester = await spawnIngester({ prefix: pipeline.prefix, env: { ...tracingEnv, ...UNHURRIED } });
  const worker = spawnWorker(
    pipeline,
    { ...tracingEnv, FORWARD_SECRET },
    `${SOURCES_YAML}    forward: [{ url: "${destination.url('/orders')}", secretEnv: FORWARD_SECRET }]\n`,
    'pipe',
  );
  const workerOutput = captureOutput(worker);

  const first = await deliver('evt-otlp', jobBody('job-otlp', 'running'), {
    traceparent: `00-${SENDER_TRACE_ID}-${SENDER_SPAN_ID}-01`,
  });
  expect(first.status).toBe(200);
  const again = await deliver('evt-otlp', jobBody('job-otlp', 'running'));
  expect(await again.json()).toMatchObject({ status: 'duplicate' });
  await waitFor('the forward to reach the destination', async () => (destination.requests.length > 0 ? true : undefined));
  await waitFor('the event to be stored', async () => {
    const [row] = await pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, 'evt-otlp'));
    return row?.processedAt ? row : undefined;
  });

  // Both processes export in batches; a graceful stop flushes what is left.
  ingester.child.kill('SIGTERM');
  worker.kill('SIGTERM');
  expect(await exited(ingester.child), ingester.output()).toBe(0);
  expect(await exited(worker), workerOutput()).toBe(0);
  spans = otlp.spans;
}, 60_000);

afterAll(async () => {
  await destination?.close();
  await otlp?.close();
  await pipeline?.close();
});

function one(name: string, traceId: string): ReceivedSpan {
  const found = spans.filter((span) => span.name === name && span.traceId === traceId);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0] as ReceivedSpan;
}

describe('tracing across the ingester and worker processes, exported over OTLP/HTTP', () => {
  it("puts the event's spans from both processes in the sender's trace, nested as the work was", () => {
    const ingest = one('hookline.ingest', SENDER_TRACE_ID);
    expect(ingest).toMatchObject({ service: 'hookline-ingester', parentSpanId: SENDER_SPAN_ID });
    expect(ingest.attributes).toMatchObject({ 'hookline.event_id': 'evt-otlp', 'hookline.outcome': 'accepted' });
    expect(one('hookline.verify', SENDER_TRACE_ID).parentSpanId).toBe(ingest.spanId);
    expect(one('hookline.enqueue', SENDER_TRACE_ID).parentSpanId).toBe(ingest.spanId);

    const process = one('hookline.process', SENDER_TRACE_ID);
    expect(process).toMatchObject({ service: 'hookline-worker', parentSpanId: ingest.spanId });
    expect(process.attributes).toMatchObject({ 'hookline.outcome': 'stored', 'hookline.transition': 'applied' });
    const transaction = one('hookline.transaction', SENDER_TRACE_ID);
    expect(transaction.parentSpanId).toBe(process.spanId);
    expect(one('hookline.transition', SENDER_TRACE_ID).parentSpanId).toBe(transaction.spanId);
    const forward = one('hookline.forward', SENDER_TRACE_ID);
    expect(forward).toMatchObject({ service: 'hookline-worker', parentSpanId: process.spanId });
    expect(forward.attributes).toMatchObject({ 'hookline.outcome': 'delivered', 'http.response.status_code': 200 });

    // The third process, the destination, is handed the forward attempt's context.
    expect(destination.requests[0]?.headers.traceparent).toBe(`00-${SENDER_TRACE_ID}-${forward.spanId}-01`);
  });

  it("says so on a duplicate delivery's span, in a trace of its own", () => {
    const duplicates = spans.filter((span) => span.name === 'hookline.ingest' && span.attributes['hookline.duplicate'] === true);
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]?.attributes).toMatchObject({ 'hookline.event_id': 'evt-otlp', 'hookline.outcome': 'duplicate' });
    expect(duplicates[0]?.traceId).not.toBe(SENDER_TRACE_ID);
    expect(duplicates[0]?.parentSpanId).toBe('');
  });
});
