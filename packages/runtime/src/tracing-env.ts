import { z } from 'zod';

/** `key=value,key2=value2`, values percent-decoded: the OTel spec's format for headers. */
function parseKeyValues(value: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const entry of value.split(',')) {
    const separator = entry.indexOf('=');
    if (separator < 1) continue;
    pairs[decodeURIComponent(entry.slice(0, separator).trim())] = decodeURIComponent(entry.slice(separator + 1).trim());
  }
  return pairs;
}

/**
 * The standard OpenTelemetry variables Hookline reads. Tracing is on when an OTLP endpoint is set
 * (for all signals or for traces), unless the SDK is disabled or the traces exporter is `none`.
 */
export const tracingEnv = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().default(''),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: z.string().default(''),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

export type TracingEnv = z.infer<typeof tracingEnv>;

/** Where and how spans are exported, when tracing is on. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL, `/v1/traces` included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Overrides the role's default service name (`hookline-<role>`). */
  readonly serviceName?: string;
  readonly sampler: TracingEnv['OTEL_TRACES_SAMPLER'];
  readonly samplerRatio: number;
}

/** The settings `createTracing` takes, or undefined when tracing is off. */
export function tracingSettings(env: TracingEnv): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
      ? undefined
      : `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  if (url === undefined) return undefined;
  return {
    url,
    headers: { ...parseKeyValues(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseKeyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    ...(env.OTEL_SERVICE_NAME !== undefined && { serviceName: env.OTEL_SERVICE_NAME }),
    sampler: env.OTEL_TRACES_SAMPLER,
    samplerRatio: env.OTEL_TRACES_SAMPLER_ARG,
  };
}
