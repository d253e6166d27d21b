export { closeIdleConnectionsWhileClosing } from './close-idle-connections.js';
export { ConfigError } from './config-error.js';
export { counterSamples } from './counter-samples.js';
export { type DurabilityFinding, type DurabilityPolicyOptions, durabilityPolicy } from './durability-policy.js';
export { commonEnv, parseEnv } from './env.js';
export {
  type ContractError,
  clientErrorHandler,
  type ErrorContractOptions,
  errorBody,
  frameworkErrors,
  installErrorContract,
  sendError,
} from './error-contract.js';
export { answersWithin, type HealthRoutesOptions, healthRoutes } from './health-routes.js';
export { onShutdown, runMain, type Shutdown } from './lifecycle.js';
export { loadReconcileCredentials, loadSourcesConfig } from './load-sources.js';
export { loadReconciledSources, loadStatusRules } from './load-status-rules.js';
export { createLogger, type Logger, type LoggerOptions, withSourceRedaction } from './logger.js';
export { metricsRoute } from './metrics-route.js';
export { type CloseStep, closeInOrder, type Role, runRole } from './role.js';
export { refuseShippedSecrets, SHIPPED_SECRETS } from './shipped-secrets.js';
export { loadRetentionSettings, storageRetentionEnv } from './storage-retention.js';
export {
  createTracing,
  inSpan,
  noTracing,
  SPAN_ATTRIBUTES,
  type TraceCarrier,
  type Tracing,
  type TracingOptions,
} from './tracing.js';
export { type TracingEnv, type TracingSettings, tracingEnv, tracingSettings } from './tracing-env.js';
