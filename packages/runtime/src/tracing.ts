import {
  type Context,
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { TracingSettings } from './tracing-env.js';

/** W3C trace context as it travels in job data and HTTP headers. */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/**
 * A role's tracing. Contexts are passed explicitly (no global provider or context manager), so
 * two roles in one process — as in the tests — keep their own, and nothing is patched.
 */
export interface Tracing {
  /** False when tracing is off: callers then skip span work altogether. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** The context named by W3C `traceparent`/`tracestate` in headers or job data; the root when none or off. */
  extract(carrier: Readonly<Record<string, unknown>> | undefined): Context;
  /** The W3C trace context of the span in `context`, to carry in job data or a request; undefined when off. */
  inject(context: Context): TraceCarrier | undefined;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

const getter: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' || Array.isArray(value) ? (value as string | string[]) : undefined;
  },
};

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The span work gets when tracing is off: every call on it does nothing. */
const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Tracing off: no provider, no exporter, nothing carried. */
export function noTracing(): Tracing {
  return {
    enabled: false,
    // A provider of its own with no delegate: its tracers are the API's no-op tracer.
    tracer: new ProxyTracerProvider().getTracer('hookline'),
    extract: () => ROOT_CONTEXT,
    inject: () => undefined,
    shutdown: async () => {},
  };
}

function samplerFor(settings: Pick<TracingSettings, 'sampler' | 'samplerRatio'>): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.samplerRatio);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

export interface TracingOptions {
  /** `hookline-ingester`, `hookline-worker`…; `OTEL_SERVICE_NAME` overrides it. */
  readonly serviceName: string;
  /** Where spans go instead of OTLP, each as it ends (tests pass the SDK's in-memory exporter). */
  readonly exporter?: SpanExporter;
}

/**
 * The role's tracer provider: off (`noTracing`) without settings and without an exporter; else
 * spans batched to the OTLP/HTTP endpoint of the settings, or handed one by one to `exporter`.
 */
export function createTracing(settings: TracingSettings | undefined, options: TracingOptions): Tracing {
  if (settings === undefined && options.exporter === undefined) return noTracing();
  const processor =
    options.exporter === undefined
      ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings?.url, headers: { ...settings?.headers } }) })
      : new SimpleSpanProcessor({ exporter: options.exporter });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings?.serviceName ?? options.serviceName }),
    sampler: samplerFor(settings ?? { sampler: 'parentbased_always_on', samplerRatio: 1 }),
    spanProcessors: [processor],
  });
  return {
    enabled: true,
    tracer: provider.getTracer('hookline'),
    extract: (carrier) => (carrier === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, carrier, getter)),
    inject(context) {
      const carrier: Record<string, string> = {};
      propagator.inject(context, carrier, setter);
      return carrier.traceparent === undefined
        ? undefined
        : { traceparent: carrier.traceparent, ...(carrier.tracestate !== undefined && { tracestate: carrier.tracestate }) };
    },
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Runs `work` in a span named `name`, child of `parent`; `work` gets the span (for attributes it
 * learns) and the span's context (the parent of its own spans). The span ends when `work` returns
 * or its promise settles. A failure marks it as an error with the error's type only: messages
 * can quote payloads (a JSON parser's), and spans never carry bodies. With tracing off `work`
 * runs as it is, with a span that records nothing.
 */
export function inSpan<T>(
  tracing: Tracing,
  name: string,
  parent: Context,
  options: SpanOptions,
  work: (span: Span, context: Context) => T,
): T {
  if (!tracing.enabled) return work(NO_SPAN, parent);
  const span = tracing.tracer.startSpan(name, options, parent);
  const failed = (error: unknown): never => {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', errorType(error));
    span.end();
    throw error;
  };
  try {
    const result = work(span, trace.setSpan(parent, span));
    if (result instanceof Promise) {
      return result.then((value) => {
        span.end();
        return value;
      }, failed) as T;
    }
    span.end();
    return result;
  } catch (error) {
    return failed(error);
  }
}

/** An error's kind for a span: its `code` (SQLSTATE, contract code, Node's) or its class name. */
function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    return (error as object).constructor?.name ?? 'Error';
  }
  return typeof error;
}

/** The attributes Hookline's spans carry: names of things, never secrets or bodies. */
export const SPAN_ATTRIBUTES = {
  source: 'hookline.source',
  eventId: 'hookline.event_id',
  eventType: 'hookline.event_type',
  entityId: 'hookline.entity_id',
  /** accepted, duplicate or the error code at the edge; stored, duplicate, replayed or failed in the worker. */
  outcome: 'hookline.outcome',
  /** True when the event had been received (edge) or stored (worker) before: this delivery changed nothing. */
  duplicate: 'hookline.duplicate',
  transition: 'hookline.transition',
  attempt: 'hookline.attempt',
  replay: 'hookline.replay',
  batchSize: 'hookline.batch_size',
  handler: 'hookline.handler',
  destination: 'hookline.destination',
} as const;
