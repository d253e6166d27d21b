export { ingesterEnv } from './env.js';
export { createIngesterMetrics } from './metrics.js';
export { createIngesterRole, type IngesterRole } from './role.js';
