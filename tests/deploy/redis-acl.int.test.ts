import { type ChildProcess, spawn } from 'node:child_process';
import {
  createEnqueuer,
  createEventQueue,
  createProducerConnection,
  createQueueDepthReader,
  createWorkerConnection,
  EVENTS_QUEUE,
  readRedisDurability,
} from '@hookline/queue';
import { freePort } from '@hookline/queue/testing';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readText, yamlWithMerges } from './repo.js';

const PASSWORD = 'acl-test-password-0123456789abcdef';
const compose = yamlWithMerges('docker-compose.yml') as { services: Record<string, { command: string[] }> };
const redisCommand = compose.services.redis?.command ?? [];

/** The `--user` lines of the compose file's redis command, with the password filled in as compose would. */
function userLines(): string[][] {
  const lines: string[][] = [];
  for (const arg of redisCommand.slice(2)) {
    if (arg === '--user') lines.push([]);
    else lines.at(-1)?.push(arg.replace(/^>\$\{REDIS_PASSWORD[^}]*\}$/, `>${PASSWORD}`));
  }
  return lines;
}

let server: ChildProcess;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `redis://hookline:${PASSWORD}@127.0.0.1:${port}`;
  const users = userLines().flatMap((line) => ['--user', ...line]);
  server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', ...users], { stdio: 'ignore' });
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  probe.disconnect();
});

afterAll(() => {
  server.kill('SIGKILL');
});

describe("the compose file's Redis users", () => {
  it('turn the default user off and give Hookline a password', () => {
    expect(userLines()).toEqual([
      ['default', 'off'],
      ['hookline', 'on', `>${PASSWORD}`, '~*', '&*', '+@all', '-@admin', '+client|list'],
    ]);
  });

  it('are the ones docs/operations.md tells a Kubernetes operator to create', () => {
    const [name, on, , ...rules] = userLines()[1] ?? [];
    expect(readText('docs/operations.md')).toContain(`user ${name} ${on} >\${REDIS_PASSWORD} ${rules.join(' ')}`);
    expect(readText('docs/operations.md')).toContain('user default off');
  });

  it('refuse a client without the password, and Hookline any administrative command', async () => {
    const port = new URL(url).port;
    const anonymous = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0 });
    anonymous.on('error', () => undefined);
    await expect(anonymous.set('k', 'v')).rejects.toThrowError(/NOAUTH/);
    anonymous.disconnect();

    const hookline = new Redis(url);
    try {
      for (const command of [
        ['config', 'set', 'appendonly', 'no'],
        ['config', 'set', 'dir', '/tmp'],
        ['shutdown', 'nosave'],
        ['acl', 'list'],
        ['replicaof', '127.0.0.1', '1'],
        ['save'],
      ]) {
        await expect(hookline.call(command[0] ?? '', ...command.slice(1)), command.join(' ')).rejects.toThrowError(/NOPERM/);
      }
    } finally {
      hookline.disconnect();
    }
  });

  it('let Hookline do all it does: durability check, enqueue, process, queue depth', async () => {
    const producer = createProducerConnection(url);
    const consumer = createWorkerConnection(url);
    const queue = createEventQueue(producer, { prefix: 'acl' });
    await new Promise((resolve) => producer.once('ready', resolve));
    const processed: string[] = [];
    const worker = new Worker(
      EVENTS_QUEUE,
      async (job) => {
        processed.push(job.id ?? '');
      },
      { connection: consumer, prefix: 'acl' },
    );
    try {
      const durability = await readRedisDurability(producer);
      expect(durability.evictionPolicy).toBe('noeviction');
      const enqueuer = createEnqueuer(queue, producer);
      const event = {
        source: 's',
        eventId: 'acl-1',
        eventType: null,
        entityId: null,
        status: null,
        rawBody: '{}',
        headers: {},
        receivedAt: 1,
      };
      expect(await enqueuer.enqueue(event)).toBe('accepted');
      expect(await enqueuer.enqueue(event)).toBe('duplicate');
      await expect.poll(() => processed.length, { timeout: 10_000 }).toBe(1);
      // The processor has run; BullMQ moves the job to completed just after it returns.
      const depth = createQueueDepthReader(queue, producer);
      await expect.poll(async () => (await depth.read()).counts.completed, { timeout: 10_000 }).toBe(1);
      expect(await queue.getWorkers()).toHaveLength(1);
    } finally {
      await worker.close();
      await queue.close();
      producer.disconnect();
      consumer.disconnect();
    }
  });
});
