export { createDatabase, type Database, type DatabaseClient, type Executor, type Transaction } from './client.js';
export {
  advanceEntityStatuses,
  type EntityKey,
  entityKey,
  readEntityStatuses,
  reopenEntityStatuses,
  type StatusOffer,
} from './entities-repository.js';
export { claimEvents, eventKey, markProcessed, recordFailedAttempt } from './events-repository.js';
export { ensureDatabase, migrateDatabase } from './migrate.js';
export * from './schema.js';
