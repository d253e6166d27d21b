export { createDatabase, type Database, type DatabaseClient, type Executor, type Transaction } from './client.js';
export {
  advanceEntityStatuses,
  type EntityKey,
  entityKey,
  readEntityStatuses,
  reopenEntityStatuses,
  type StatusOffer,
} from './entities-repository.js';
export {
  type EventFilter,
  type EventPage,
  type EventSummary,
  findEntity,
  findEvent,
  listEvents,
  type ProcessingOutcome,
  processingOutcomes,
} from './events-query.js';
export { claimEvents, eventKey, lockProcessedEvent, markProcessed, recordFailedAttempt } from './events-repository.js';
export {
  type AttemptOutcome,
  createForwards,
  type FinishedAttempt,
  type ForwardToSend,
  type ForwardWithAttempts,
  failForward,
  finishForwardAttempt,
  listForwards,
  listPendingForwards,
  listStalePendingForwards,
  loadForward,
  type NewForward,
  type PendingForward,
  reopenFailedForward,
  startForwardAttempt,
} from './forwards-repository.js';
export { ensureDatabase, migrateDatabase } from './migrate.js';
export {
  completeReconcileAction,
  completeReplay,
  listEntityReplays,
  listEventActions,
  type NewOperatorAction,
  type OperatorAction,
  type OverrideResult,
  overrideEntityStatus,
  recordOperatorAction,
  removeReconcileAction,
  removeReplayAction,
  type StatusOverride,
} from './operator-actions.js';
export {
  advanceReconcileCursor,
  findKnownEventIds,
  listReconcileCursors,
  readReconcileCursor,
  readStoredEntities,
} from './reconcile-repository.js';
export * from './retention/index.js';
export * from './schema.js';
export { type WebhookEventRow, webhookEvents } from './webhook-events.js';
