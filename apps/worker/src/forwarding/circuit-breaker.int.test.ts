import { createWorkerConnection } from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';

const prefix = testPrefix();
let connections: Redis[];
// Two breakers on two connections: two worker processes sharing one destination's state.
let first: CircuitBreaker;
let second: CircuitBreaker;

beforeAll(() => {
  connections = [createWorkerConnection(testRedisUrl()), createWorkerConnection(testRedisUrl())];
  first = createCircuitBreaker(connections[0] as Redis, prefix);
  second = createCircuitBreaker(connections[1] as Redis, prefix);
});

afterAll(async () => {
  await removePrefix(connections[0] as Redis, prefix);
  await Promise.all(connections.map((connection) => connection.quit()));
});

const settings = { failures: 3, cooldownMs: 300 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('circuit breaker', () => {
  it('lets sends through while closed, and opens for every worker after N consecutive failures', async () => {
    const url = 'http://dest.example/open';
    expect(await first.acquire(url, 1000)).toEqual({ allowed: true, probe: false });
    expect(await first.recordFailure(url, settings)).toBe(false);
    expect(await second.recordFailure(url, settings)).toBe(false);
    expect(await first.recordFailure(url, settings)).toBe(true);
    const gate = await second.acquire(url, 1000);
    expect(gate).toMatchObject({ allowed: false, state: 'open' });
    expect(gate.allowed === false && gate.waitMs).toBeLessThanOrEqual(settings.cooldownMs);
  });

  it('counts only consecutive failures: a success in between resets the count', async () => {
    const url = 'http://dest.example/reset';
    await first.recordFailure(url, settings);
    await first.recordFailure(url, settings);
    await second.recordSuccess(url);
    expect(await first.recordFailure(url, settings)).toBe(false);
    expect(await first.acquire(url, 1000)).toEqual({ allowed: true, probe: false });
  });

  it('after the cool-down lets exactly one probe through, and closes when it succeeds', async () => {
    const url = 'http://dest.example/probe-ok';
    for (let i = 0; i < settings.failures; i++) await first.recordFailure(url, settings);
    await sleep(settings.cooldownMs + 50);
    const probes = await Promise.all([first.acquire(url, 1000), second.acquire(url, 1000), first.acquire(url, 1000)]);
    expect(probes.filter((gate) => gate.allowed)).toEqual([{ allowed: true, probe: true }]);
    expect(probes.filter((gate) => !gate.allowed).every((gate) => gate.allowed === false && gate.state === 'half_open')).toBe(
      true,
    );
    await first.recordSuccess(url);
    expect(await second.acquire(url, 1000)).toEqual({ allowed: true, probe: false });
  });

  it('opens again for a full cool-down when the probe fails', async () => {
    const url = 'http://dest.example/probe-fails';
    for (let i = 0; i < settings.failures; i++) await first.recordFailure(url, settings);
    await sleep(settings.cooldownMs + 50);
    expect(await first.acquire(url, 1000)).toEqual({ allowed: true, probe: true });
    expect(await first.recordFailure(url, settings)).toBe(true);
    expect(await second.acquire(url, 1000)).toMatchObject({ allowed: false, state: 'open' });
  });

  it('sends a new probe when the previous one is lost with its worker', async () => {
    const url = 'http://dest.example/probe-lost';
    for (let i = 0; i < settings.failures; i++) await first.recordFailure(url, settings);
    await sleep(settings.cooldownMs + 50);
    expect(await first.acquire(url, 100)).toEqual({ allowed: true, probe: true });
    expect((await second.acquire(url, 100)).allowed).toBe(false);
    await sleep(150);
    expect(await second.acquire(url, 100)).toEqual({ allowed: true, probe: true });
  });
});
