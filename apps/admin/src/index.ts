export { BOARD_PATH } from './bull-board.js';
export { adminEnv } from './env.js';
export { createAdminMetrics } from './metrics.js';
export { type AdminRole, createAdminRole } from './role.js';
