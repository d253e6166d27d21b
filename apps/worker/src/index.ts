export { isPermanentFailure } from './failure.js';
export { buildHealthServer } from './health-server.js';
export { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
export { type ProcessDeps, type ProcessOutcome, processEvent, UnknownSourceError } from './process-event.js';
export { type ProcessorDeps, toProcessor } from './processor.js';
export { buildWorker, type EventWorker, type WorkerDeps } from './worker.js';
