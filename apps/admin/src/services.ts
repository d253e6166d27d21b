import type { StatusRules } from '@hookline/core';
import type { Database } from '@hookline/db';
import type { EventQueue } from '@hookline/queue';
import type { Redis } from 'ioredis';

/** What the admin's routes work with; `buildApp` receives them from `main.ts` or a test. */
export interface AdminServices {
  readonly db: Database;
  readonly queue: EventQueue;
  /** The queue's connection, also used for the stats buckets. */
  readonly connection: Redis;
  /** BullMQ key prefix (not `prefix`: Fastify reads that plugin option as a route prefix). */
  readonly queuePrefix: string;
  /** Each configured source's status rules (undefined when it tracks no status). */
  readonly rules: ReadonlyMap<string, StatusRules | undefined>;
  /** Viewers' mode: every route that changes something answers 403. */
  readonly readOnly: boolean;
}
