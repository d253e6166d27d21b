export { createDatabase, type Database, type DatabaseClient, type Executor, type Transaction } from './client.js';
export { advanceEntityStatus, type EntityKey, type EntityMove, readEntityStatus } from './entities-repository.js';
export { claimEvent, markProcessed, recordFailedAttempt } from './events-repository.js';
export { ensureDatabase, migrateDatabase } from './migrate.js';
export * from './schema.js';
