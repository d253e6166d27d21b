export { type BackoffPolicy, retryDelayMs } from './backoff.js';
export { type RetentionHorizons, type RetentionSettings, resolveRetention } from './config/retention.js';
export { MIN_EVENT_DAYS, sourcesFileSchema } from './config/schema.js';
export { secretHeaderNames } from './config/secret-headers.js';
export {
  type ForwardDestination,
  formatPath,
  parseSourcesConfig,
  resolveReconcileCredentials,
  type SourceConfig,
  type SourcesConfig,
} from './config/sources-config.js';
export { parseReconciledSources, parseStatusRules } from './config/status-rules.js';
export { type EventTypeMatcher, matchEventTypes } from './event-types.js';

export { type AttemptVerdict, forwardRetryDelayMs, judgeAttempt, type SendResult } from './forward/attempt-verdict.js';
export { displayUrl } from './forward/display-url.js';
export { buildEnvelope } from './forward/envelope.js';
export { forwardMessageId } from './forward/message-id.js';
export type { Headers } from './headers.js';
export { HttpError, RETRY_AFTER_SECONDS } from './http-error.js';
export type { IncomingEvent } from './ingest/incoming-event.js';
export { payloadText } from './ingest/parse-body.js';
export { type Delivery, prepareEvent, type ReplayMark } from './ingest/prepare-event.js';
export { toJobId } from './job-id.js';
export { type ApifyRun, apifyRunEntityId, planApifyRecovery, type StoredEntity } from './reconcile/apify-plan.js';
export { type HookDeliveryAttempt, planGitHubRecovery } from './reconcile/github-plan.js';
export { judgeRateLimit, nextLink, quotaResetWaitMs } from './reconcile/rate-limit.js';
export { type RecoveredDelivery, recoverEvent } from './reconcile/recovered-event.js';
export type { ReconcileSettings } from './reconcile/settings.js';
export * from './signatures/index.js';
export { inLockOrder, planWaves } from './status/lock-order.js';
export {
  classifyTransition,
  type EntityStatus,
  movesForward,
  rankStatus,
  reopenableStatuses,
  reopens,
  type StatusRules,
  type TransitionOutcome,
  transitionOutcomes,
} from './status/transition.js';
