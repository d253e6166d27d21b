export { type BackoffPolicy, retryDelayMs } from './backoff.js';
export { type SourceDefinition, type SourcesFile, sourcesFileSchema } from './config/schema.js';
export {
  formatPath,
  type ParseConfigResult,
  parseSourcesConfig,
  resolveSourcesConfig,
  type SourceConfig,
  type SourcesConfig,
} from './config/sources-config.js';
export { type ParseStatusRulesResult, parseStatusRules } from './config/status-rules.js';
export { type Headers, headerValue } from './headers.js';
export type { IncomingEvent } from './ingest/incoming-event.js';
export { type ParsedBody, parseBody } from './ingest/parse-body.js';
export { type Delivery, type PrepareResult, prepareEvent, type RejectionCode } from './ingest/prepare-event.js';
export { toJobId } from './job-id.js';
export { readIdentifier, readPath } from './json-path.js';
export * from './signatures/index.js';
export {
  classifyTransition,
  type EntityStatus,
  movesForward,
  type ReopenRule,
  rankStatus,
  reopenableStatuses,
  reopens,
  type StatusRules,
  type TransitionOutcome,
  transitionOutcomes,
} from './status/transition.js';
