export { workerEnv } from './env.js';
export { isPermanentFailure } from './failure.js';
export { buildHealthServer } from './health-server.js';
export { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
export { processBatch } from './process-batch.js';
export {
  type ProcessDeps,
  type ProcessOutcome,
  processEvent,
  replayEvent,
  storeEvents,
  UnknownSourceError,
} from './process-event.js';
export { type ProcessorDeps, toProcessor } from './processor.js';
export { buildWorker, type EventWorker, type WorkerDeps } from './worker.js';
