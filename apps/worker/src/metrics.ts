import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

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
    forwardAttempts: new Counter({
      name: 'hookline_forward_attempts_total',
      help: 'Forwarding sends, by outcome (delivered, retry, rejected, failed).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    forwardDuration: new Histogram({
      name: 'hookline_forward_attempt_duration_seconds',
      help: 'Time from sending a forwarded request to its response status (or failure).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    forwardBreakerWaits: new Counter({
      name: 'hookline_forward_breaker_waits_total',
      help: 'Deliveries parked because their destination circuit was open or probing.',
      registers: [registry],
    }),
    reconcileRuns: new Counter({
      name: 'hookline_reconcile_runs_total',
      help: 'Reconciliations against a provider API, by source and outcome (succeeded, unauthorized, rate_limited, unavailable, failed).',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
    reconcileRecovered: new Counter({
      name: 'hookline_reconcile_recovered_total',
      help: 'Events a reconciliation found missing and recovered (enqueued, or redelivered by the provider).',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    reconcileLastSuccess: new Gauge({
      name: 'hookline_reconcile_last_success_timestamp_seconds',
      help: 'When the last successful reconciliation of a source finished (Unix seconds).',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    storageBytes: new Gauge({
      name: 'hookline_storage_bytes',
      help: 'Size of each table (heap, indexes, TOAST; all partitions), as of the last retention pass.',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    retentionRemoved: new Counter({
      name: 'hookline_retention_removed_total',
      help: 'Rows removed by retention passes, by source and kind (payload, event, forward_delivery, forward_attempt, operator_action).',
      labelNames: ['source', 'kind'] as const,
      registers: [registry],
    }),
    retentionLastSuccess: new Gauge({
      name: 'hookline_retention_last_success_timestamp_seconds',
      help: 'When the last retention pass (by any worker) finished its work, in Unix seconds; 0 before the first.',
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
