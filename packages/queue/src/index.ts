export { createProducerConnection, createWorkerConnection, type ProducerConnectionOptions } from './connection.js';
export { type DeliveryJob, deliveryJobSchema } from './delivery-job.js';
export {
  createDeliveryQueue,
  DELIVERIES_QUEUE,
  type DeliveryQueue,
  type DeliveryQueueOptions,
  type DeliveryToEnqueue,
  enqueueDeliveries,
} from './delivery-queue.js';
export {
  createEnqueuer,
  type EnqueueOutcome,
  type Enqueuer,
  type EnqueuerOptions,
  QueueUnavailableError,
} from './enqueuer.js';
export { type EventJob, eventJobSchema } from './event-job.js';
export {
  BACKOFF_TYPE,
  createEventQueue,
  defaultQueueOptions,
  EVENTS_QUEUE,
  type EventQueue,
  type EventQueueOptions,
  type Retention,
} from './event-queue.js';
