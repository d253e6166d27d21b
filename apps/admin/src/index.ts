export { type AdminDeps, buildApp } from './app.js';
export { BOARD_PATH } from './bull-board.js';
export { adminEnv } from './env.js';
export { type AdminMetrics, createAdminMetrics } from './metrics.js';
export { type NamedToken, parseNamedTokens } from './tokens.js';
