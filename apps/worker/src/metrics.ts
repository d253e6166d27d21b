import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The worker's Prometheus metrics, served on its health port. */
export function createWorkerMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    processed: new Counter({
      name: 'hookline_events_processed_total',
      help: 'Jobs finished, by source and outcome (stored, duplicate, replayed, failed).',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    transitions: new Counter({
      name: 'hookline_transitions_total',
      help: 'Stored events by the transition they caused.',
      labelNames: ['source', 'transition'] as const,
      registers: [registry],
    }),
    processingDuration: new Histogram({
      name: 'hookline_processing_duration_seconds',
      help: 'Time one job spends in the worker, transaction included.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    endToEnd: new Histogram({
      name: 'hookline_end_to_end_seconds',
      help: 'Time from the ingester receiving a delivery to its event being committed in Postgres.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
