export {
  closeConnection,
  createAdminConnection,
  createProducerConnection,
  createWorkerConnection,
  type ProducerConnectionOptions,
} from './connection.js';
export {
  createEnqueuer,
  type EnqueueOutcome,
  type Enqueuer,
  type EnqueuerOptions,
  QueueUnavailableError,
} from './enqueuer.js';
export { type EventJob, eventJobSchema, type TraceCarrier } from './event-job.js';
export {
  BACKOFF_TYPE,
  createEventQueue,
  defaultQueueOptions,
  EVENTS_QUEUE,
  type EventQueue,
  type EventQueueOptions,
  type Retention,
} from './event-queue.js';
export { type ForwardJob, forwardJobSchema } from './forward-job.js';
export {
  createForwardQueue,
  enqueueForwards,
  FORWARDS_QUEUE,
  type ForwardQueue,
  type ForwardQueueOptions,
  type ForwardToEnqueue,
} from './forward-queue.js';
export {
  BACKLOG_STATES,
  createQueueDepthReader,
  QUEUE_STATES,
  type QueueDepth,
  type QueueDepthReader,
  type QueueState,
} from './queue-depth.js';
export {
  createReconcileQueue,
  operatorReconcileJobId,
  RECONCILE_QUEUE,
  type ReconcileJob,
  type ReconcileQueue,
  reconcileJobSchema,
  reconcileSchedulerId,
  scheduleReconciliations,
} from './reconcile-queue.js';
export {
  type DurabilityProblem,
  type DurabilityWatch,
  durabilityProblems,
  type RedisDurability,
  readRedisDurability,
  watchRedisDurability,
} from './redis-durability.js';
export { enqueueReplay, REPLAY_PRIORITY, replayJobId } from './replay.js';
export { eventQueueOptions, retentionEnv, retentionOptions } from './retention-env.js';
export {
  type CounterSample,
  createStatsPublisher,
  readStats,
  STATS_BUCKET_SECONDS,
  type StatsCounts,
  type StatsKind,
  type StatsPublisher,
  type StatsPublisherOptions,
  type StatsWindows,
  statsKey,
} from './stats.js';
