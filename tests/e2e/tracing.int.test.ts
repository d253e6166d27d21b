import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { defineHandler } from '@hookline/handler';
import { createTracing } from '@hookline/runtime';
import { handlerRegistry } from '@hookline/worker';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline, jobBody, type Pipeline, SOURCES_YAML, signedDelivery, sourceEnv, waitFor } from './harness.js';
import { type Receiver, startReceiver } from './receiver.js';

const FORWARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
// As a sender that traces its own requests would send it: its trace, its span, sampled.
const SENDER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SENDER_SPAN_ID = 'b7ad6b7169203331';

function forwardingConfig(url: string): SourcesConfig {
  const yaml = `${SOURCES_YAML}    forward: [{ url: "${url}", secretEnv: FORWARD_SECRET }]\n`;
  const parsed = parseSourcesConfig(yaml, { ...sourceEnv, FORWARD_SECRET });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

let pipeline: Pipeline;
let receiver: Receiver;
let ingesterSpans: InMemorySpanExporter;
let workerSpans: InMemorySpanExporter;

beforeEach(async () => {
  receiver = await startReceiver(() => ({ status: 204 }));
  ingesterSpans = new InMemorySpanExporter();
  workerSpans = new InMemorySpanExporter();
  const config = forwardingConfig(receiver.url('/hooks'));
  pipeline = await createPipeline({
    config,
    tracing: createTracing(undefined, { serviceName: 'hookline-ingester', exporter: ingesterSpans }),
  });
  await pipeline.startWorker({
    config,
    handlers: handlerRegistry({ jobs: [{ path: './noop.ts', handler: defineHandler({ async handle() {} }) }] }),
    tracing: createTracing(undefined, { serviceName: 'hookline-worker', exporter: workerSpans }),
  });
});

afterEach(async () => {
  await pipeline.close();
  await receiver.close();
});

function named(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = named(spans, name);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0] as ReadableSpan;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe('tracing (in-process, in-memory exporter)', () => {
  it('follows one event from the sender through ingest, the worker and its forward, in one trace', async () => {
    const delivery = signedDelivery('evt-traced', jobBody('job-traced', 'running'));
    const response = await pipeline.ingester.inject({
      ...delivery,
      headers: { ...delivery.headers, traceparent: `00-${SENDER_TRACE_ID}-${SENDER_SPAN_ID}-01` },
    });
    expect(response.statusCode).toBe(200);
    await waitFor('the forward attempt span', async () =>
      named(workerSpans.getFinishedSpans(), 'hookline.forward').length > 0 ? true : undefined,
    );

    const edge = ingesterSpans.getFinishedSpans();
    const worker = workerSpans.getFinishedSpans();
    for (const span of [...edge, ...worker]) expect(span.spanContext().traceId, span.name).toBe(SENDER_TRACE_ID);

    const ingest = only(edge, 'hookline.ingest');
    expect(parentOf(ingest)).toBe(SENDER_SPAN_ID);
    expect(ingest.attributes).toMatchObject({
      'hookline.source': 'jobs',
      'hookline.event_id': 'evt-traced',
      'hookline.event_type': 'job.updated',
      'hookline.outcome': 'accepted',
      'hookline.duplicate': false,
    });
    expect(parentOf(only(edge, 'hookline.verify'))).toBe(idOf(ingest));
    expect(parentOf(only(edge, 'hookline.enqueue'))).toBe(idOf(ingest));

    const process = only(worker, 'hookline.process');
    expect(parentOf(process)).toBe(idOf(ingest));
    expect(process.attributes).toMatchObject({
      'hookline.outcome': 'stored',
      'hookline.transition': 'applied',
      'hookline.attempt': 1,
    });
    const transaction = only(worker, 'hookline.transaction');
    expect(parentOf(transaction)).toBe(idOf(process));
    expect(parentOf(only(worker, 'hookline.transition'))).toBe(idOf(transaction));
    const handler = only(worker, 'hookline.handler');
    expect(parentOf(handler)).toBe(idOf(transaction));
    expect(handler.attributes['hookline.handler']).toBe('./noop.ts');
    const forward = only(worker, 'hookline.forward');
    expect(parentOf(forward)).toBe(idOf(process));
    expect(forward.attributes).toMatchObject({
      'hookline.outcome': 'delivered',
      'http.response.status_code': 204,
      'hookline.attempt': 1,
    });

    // The destination receives the forward attempt's own context: its spans join the same trace.
    expect(receiver.requests[0]?.headers.traceparent).toBe(`00-${SENDER_TRACE_ID}-${idOf(forward)}-01`);

    // Never a body or a secret: the attributes are names, ids and outcomes.
    const attributes = JSON.stringify([...edge, ...worker].map((span) => span.attributes));
    expect(attributes).not.toContain('job-traced');
    expect(attributes).not.toContain('e2e-secret');
  });

  it('starts a trace of its own without a traceparent, and marks a duplicate delivery as one', async () => {
    const delivery = signedDelivery('evt-twice', jobBody('job-twice', 'queued'));
    expect((await pipeline.ingester.inject(delivery)).json().status).toBe('accepted');
    expect((await pipeline.ingester.inject(delivery)).json().status).toBe('duplicate');
    const [first, second] = named(ingesterSpans.getFinishedSpans(), 'hookline.ingest');
    expect(parentOf(first as ReadableSpan)).toBeUndefined();
    expect(first?.attributes).toMatchObject({ 'hookline.outcome': 'accepted', 'hookline.duplicate': false });
    expect(second?.attributes).toMatchObject({ 'hookline.outcome': 'duplicate', 'hookline.duplicate': true });
    expect(second?.spanContext().traceId).not.toBe(first?.spanContext().traceId);
  });

  it('records a refused delivery with its error code, and a span with error status', async () => {
    const delivery = signedDelivery('evt-forged', jobBody('job-forged', 'queued'));
    const response = await pipeline.ingester.inject({
      ...delivery,
      headers: { ...delivery.headers, 'x-signature': 'sha256=00' },
    });
    expect(response.statusCode).toBe(401);
    const ingest = only(ingesterSpans.getFinishedSpans(), 'hookline.ingest');
    expect(ingest.attributes).toMatchObject({ 'hookline.outcome': 'invalid_signature', 'error.type': 'invalid_signature' });
    expect(ingest.status.code).toBe(2);
  });
});
