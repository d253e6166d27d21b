import { createHmac } from 'node:crypto';
import { signHmacSha256 } from '@hookline/core';
import { webhookEvents } from '@hookline/db';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureOutput,
  createPipeline,
  exited,
  jobBody,
  type Pipeline,
  SECRET,
  SOURCES_YAML,
  type SpawnedIngester,
  spawnIngester,
  spawnWorker,
  waitFor,
} from './harness.js';
import { type Receiver, startReceiver } from './receiver.js';

const FORWARD_SECRET = 'whsec_c2VjcmV0LWZvci1sb2ctY2FwdHVyZS10ZXN0';
const BEARER = 'Bearer tok-never-logged-7f3a';

let pipeline: Pipeline;
let receiver: Receiver;
let ingester: SpawnedIngester;

beforeAll(async () => {
  pipeline = await createPipeline();
  receiver = await startReceiver(() => ({ status: 200 }));
});

afterAll(async () => {
  if (ingester?.child.exitCode === null) {
    ingester.child.kill('SIGTERM');
    await exited(ingester.child);
  }
  await receiver.close();
  await pipeline.close();
});

describe('secrets in logs, error bodies and metrics', () => {
  it('never shows a secret, a signature header value or an expected signature, even at trace level', async () => {
    const sourcesYaml = `${SOURCES_YAML}    forward: [{ url: ${JSON.stringify(receiver.url('/in'))}, secretEnv: FORWARD_SECRET }]\n`;
    const env = { LOG_LEVEL: 'trace', FORWARD_SECRET };
    ingester = await spawnIngester({ prefix: pipeline.prefix, env, sourcesYaml });
    const worker = spawnWorker(pipeline, env, sourcesYaml, 'pipe');
    const workerOutput = captureOutput(worker);

    const sentSignatures: string[] = [];
    const expectedSignatures: string[] = [];
    const errorBodies: string[] = [];
    async function deliver(eventId: string, body: string, variant: 'valid' | 'wrong' | 'stale' | 'bare') {
      const timestamp = Math.floor(Date.now() / 1000) - (variant === 'stale' ? 3600 : 0);
      const expected = signHmacSha256(SECRET, eventId, timestamp, Buffer.from(body));
      expectedSignatures.push(expected);
      const signature = variant === 'wrong' ? createHmac('sha256', 'guess').update(body).digest('hex') : expected;
      sentSignatures.push(signature);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-event-id': eventId,
        authorization: BEARER,
        cookie: `session=${BEARER}`,
      };
      if (variant !== 'bare') {
        headers['x-timestamp'] = String(timestamp);
        headers['x-signature'] = `sha256=${signature}`;
      }
      const response = await fetch(`${ingester.url}/webhooks/jobs`, { method: 'POST', headers, body });
      const text = await response.text();
      if (!response.ok) errorBodies.push(text);
      return response.status;
    }

    expect(await deliver('s1', jobBody('job-s', 'queued'), 'valid')).toBe(200);
    expect(await deliver('s2', jobBody('job-s', 'running'), 'valid')).toBe(200);
    expect(await deliver('s3', jobBody('job-s', 'running'), 'wrong')).toBe(401);
    expect(await deliver('s4', jobBody('job-s', 'running'), 'stale')).toBe(401);
    expect(await deliver('s5', jobBody('job-s', 'running'), 'bare')).toBe(401);
    expect(await deliver('s6', '{not json', 'valid')).toBe(400);
    await waitFor('both events forwarded', async () => (receiver.requests.length >= 2 ? true : undefined));
    const [stored] = await pipeline.database.client.db.select({ n: count() }).from(webhookEvents);
    expect(stored?.n).toBe(2);
    const metrics = await (await fetch(`${ingester.url}/metrics`)).text();

    ingester.child.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await Promise.all([exited(ingester.child), exited(worker)])).toEqual([0, 0]);

    const logs = ingester.output() + workerOutput();
    // The capture is real: both roles logged at trace level, rejections included.
    expect(logs).toContain('"name":"ingester"');
    expect(logs).toContain('"name":"worker"');
    expect(logs).toContain('delivery rejected');
    const forwardedSignatures = receiver.requests.map((request) => String(request.headers['webhook-signature']));
    const secrets = [
      SECRET,
      FORWARD_SECRET,
      FORWARD_SECRET.slice('whsec_'.length),
      'tok-never-logged-7f3a',
      ...sentSignatures,
      ...expectedSignatures,
      ...forwardedSignatures,
      ...forwardedSignatures.map((value) => value.split(',')[1] ?? value),
    ];
    for (const [where, text] of [
      ['logs', logs],
      ['error bodies', errorBodies.join('\n')],
      ['metrics', metrics],
    ] as const) {
      expect(
        secrets.filter((secret) => text.includes(secret)),
        where,
      ).toEqual([]);
    }
  }, 60_000);
});
