export { workerEnv } from './env.js';
export type { SweeperOptions } from './forwarding/forward-sweeper.js';
export { type HandlerRegistry, handlerRegistry, loadHandlers, noHandlers } from './handlers/load-handlers.js';
export { createWorkerMetrics } from './metrics.js';
export { createWorkerRole, type WorkerRole } from './role.js';
