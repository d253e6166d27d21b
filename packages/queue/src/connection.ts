import { Redis } from 'ioredis';

export interface ProducerConnectionOptions {
  /** Upper bound for one Redis command; past it the ingester answers 503. */
  readonly commandTimeoutMs?: number;
}

// Reconnect quickly and forever: the ingester keeps answering 503 until Redis is back.
const retryStrategy = (times: number) => Math.min(times * 100, 2000);

/**
 * The ingester's connection: commands fail at once while Redis is unreachable instead of
 * queueing in memory, so no delivery is acknowledged that is not durably in Redis.
 */
export function createProducerConnection(url: string, options: ProducerConnectionOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy,
  });
}

/** The worker's connection: blocking commands need `maxRetriesPerRequest: null` (BullMQ requires it). */
export function createWorkerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy });
}

/**
 * The admin's connection: commands wait while it reconnects (an operator's page or a scrape
 * may take a moment) but give up after `commandTimeoutMs`, so nothing hangs while Redis is away.
 */
export function createAdminConnection(url: string, commandTimeoutMs = 5000): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: commandTimeoutMs, connectTimeout: 2000, retryStrategy });
}

/**
 * Lets go of a connection: QUIT when Redis answers (what was sent is flushed first), otherwise
 * disconnect at once: a QUIT to a Redis that is down would fail or wait, and a role shutting
 * down because Redis went away must still stop cleanly.
 */
export async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') await connection.quit();
  else connection.disconnect();
}
