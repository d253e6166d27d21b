import { describe, expect, it } from 'vitest';
import { tracingEnv, tracingSettings } from './tracing-env.js';

const settings = (env: Record<string, string>) => tracingSettings(tracingEnv.parse(env));

describe('tracingSettings', () => {
  it('is off without an OTLP endpoint, or when the SDK is disabled or the exporter is none', () => {
    expect(settings({})).toBeUndefined();
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('appends /v1/traces to the base endpoint; a traces endpoint is used as it is', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/' })?.url).toBe('http://otel:4318/v1/traces');
    expect(
      settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp' })
        ?.url,
    ).toBe('http://tempo:4318/otlp');
  });

  it('reads headers as key=value pairs, percent-decoded, the traces ones winning', () => {
    expect(
      settings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-scope=a',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-scope=b',
      })?.headers,
    ).toEqual({ authorization: 'Basic abc', 'x-scope': 'b' });
  });
});
