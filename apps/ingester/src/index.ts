export { buildApp, DEFAULT_BODY_LIMIT, type IngesterDeps } from './app.js';
export { ingesterEnv } from './env.js';
export { createIngesterMetrics, type IngesterMetrics } from './metrics.js';
