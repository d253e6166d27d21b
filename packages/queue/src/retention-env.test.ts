import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createEventQueue, defaultQueueOptions } from './event-queue.js';
import { retentionEnv, retentionOptions } from './retention-env.js';

describe('retention from the environment', () => {
  it('defaults to the queue defaults and reads each variable into the jobs the queue adds', async () => {
    expect(retentionOptions(retentionEnv.parse({}))).toEqual({
      completed: defaultQueueOptions.completed,
      failed: defaultQueueOptions.failed,
    });
    const options = retentionOptions(
      retentionEnv.parse({ HOOKLINE_FAILED_RETENTION_SECONDS: '86400', HOOKLINE_FAILED_RETENTION_COUNT: '10' }),
    );
    const connection = new Redis({ lazyConnect: true });
    const queue = createEventQueue(connection, options);
    expect(queue.defaultJobOptions.removeOnFail).toEqual({ age: 86_400, count: 10 });
    expect(queue.defaultJobOptions.removeOnComplete).toEqual({ age: 3600, count: 100_000 });
    await queue.close();
    connection.disconnect();
  });

  it('refuses a retention that is not a positive integer', () => {
    expect(retentionEnv.safeParse({ HOOKLINE_FAILED_RETENTION_COUNT: '0' }).success).toBe(false);
    expect(retentionEnv.safeParse({ HOOKLINE_COMPLETED_RETENTION_SECONDS: 'a day' }).success).toBe(false);
  });
});
