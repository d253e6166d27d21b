export { ConfigError } from './config-error.js';
export { counterSamples } from './counter-samples.js';
export { commonEnv, parseEnv } from './env.js';
export { type HealthRoutesOptions, healthRoutes } from './health-routes.js';
export { onShutdown, runMain } from './lifecycle.js';
export { loadSourcesConfig } from './load-sources.js';
export { loadStatusRules } from './load-status-rules.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { metricsRoute } from './metrics-route.js';
