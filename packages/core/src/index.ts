export { type BackoffPolicy, retryDelayMs } from './backoff.js';
export { type ForwardDefinition, type SourceDefinition, type SourcesFile, sourcesFileSchema } from './config/schema.js';
export {
  type ForwardDestination,
  formatPath,
  type ParseConfigResult,
  parseSourcesConfig,
  resolveSourcesConfig,
  type SourceConfig,
  type SourcesConfig,
} from './config/sources-config.js';
export { type ParseStatusRulesResult, parseStatusRules } from './config/status-rules.js';
export { type EventTypeMatcher, matchEventTypes } from './event-types.js';

export {
  type AttemptVerdict,
  forwardRetryDelayMs,
  judgeAttempt,
  parseRetryAfter,
  type SendResult,
} from './forward/attempt-verdict.js';
export { buildEnvelope, type EnvelopeInput } from './forward/envelope.js';
export { forwardMessageId } from './forward/message-id.js';
export { type Headers, headerValue } from './headers.js';
export { HttpError, RETRY_AFTER_SECONDS } from './http-error.js';
export type { IncomingEvent } from './ingest/incoming-event.js';
export { type ParsedBody, type PayloadSource, parseBody, payloadText } from './ingest/parse-body.js';
export { type Delivery, type PrepareResult, prepareEvent, type RejectionCode } from './ingest/prepare-event.js';
export { toJobId } from './job-id.js';
export { readIdentifier, readPath } from './json-path.js';
export * from './signatures/index.js';
export { compareKeys, inLockOrder, planWaves } from './status/lock-order.js';
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
