export { workerEnv } from './env.js';
export { isPermanentFailure } from './failure.js';
export { type BreakerGate, type CircuitBreaker, createCircuitBreaker } from './forwarding/circuit-breaker.js';
export type { ForwardEnqueuer } from './forwarding/enqueue-forwards.js';
export { type ForwardOutcome, RetryableForwardError } from './forwarding/forward-processor.js';
export type { ForwardSweeper, SweeperOptions } from './forwarding/forward-sweeper.js';
export { type Forwarder, type ForwarderDeps, startForwarder } from './forwarding/forwarder.js';
export { HandlerError } from './handlers/handler-error.js';
export {
  type HandlerRegistry,
  handlerRegistry,
  type LoadedHandler,
  loadHandlers,
  noHandlers,
} from './handlers/load-handlers.js';
export { buildHealthServer } from './health-server.js';
export { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
export { type BatchItem, processBatch } from './process-batch.js';
export {
  type EventRun,
  type ProcessDeps,
  type ProcessOutcome,
  processEvent,
  processEventInTransaction,
  storeEvents,
  UnknownSourceError,
} from './process-event.js';
export { type ProcessorDeps, toProcessor } from './processor.js';
export { buildWorker, type EventWorker, type WorkerDeps } from './worker.js';
