import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The ingester's Prometheus metrics, on a registry of its own (tests read it directly). */
export function createIngesterMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'hookline_ingest_requests_total',
      help: 'Deliveries answered, by source and outcome (accepted, duplicate, or the error code).',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    signatureMatches: new Counter({
      name: 'hookline_signature_matches_total',
      help: 'Verified deliveries by the index of the secret that matched: shows when an old secret stops being used.',
      labelNames: ['source', 'secret_index'] as const,
      registers: [registry],
    }),
    ackDuration: new Histogram({
      name: 'hookline_ack_duration_seconds',
      help: 'Time from receiving a delivery to answering it.',
      labelNames: ['source'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'hookline_ingest_in_flight',
      help: 'Deliveries being handled now; at HOOKLINE_MAX_IN_FLIGHT more are shed with 503 overloaded.',
      registers: [registry],
    }),
    enqueueDuration: new Histogram({
      name: 'hookline_enqueue_duration_seconds',
      help: 'Time spent making an event durable in Redis.',
      buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1],
      registers: [registry],
    }),
  };
}

export type IngesterMetrics = ReturnType<typeof createIngesterMetrics>;
