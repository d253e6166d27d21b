import { createHash } from 'node:crypto';
import type { Redis, Result } from 'ioredis';

/*
 * One hash per destination, shared by every worker. Closed: no `state` field, only a count
 * of consecutive failures. Open: `until` is the end of the cool-down. Half-open: one probe
 * holds a lease until `until`; if its worker dies the lease lapses and another probe goes.
 * Time is Redis's own (TIME), and callers get relative waits, so worker clocks do not matter.
 */
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const TTL_MS = 86_400_000;

// ARGV[1]: probe lease ms. Returns {allowed, probe or wait ms, state}.
const ACQUIRE = `${NOW}
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {1, 0, 'closed'} end
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until'))
if now < untilMs then return {0, untilMs - now, state} end
redis.call('HSET', KEYS[1], 'state', 'half_open', 'until', now + tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + ${TTL_MS})
return {1, 1, 'half_open'}`;

// ARGV[1]: failures that open the circuit, ARGV[2]: cool-down ms. Returns 1 when the circuit is now open.
const RECORD_FAILURE = `${NOW}
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'open' then return 1 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if state == 'half_open' or failures >= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'state', 'open', 'until', now + tonumber(ARGV[2]), 'failures', 0)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + ${TTL_MS})
  return 1
end
redis.call('PEXPIRE', KEYS[1], ${TTL_MS})
return 0`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hooklineBreakerAcquire(key: string, probeLeaseMs: number): Result<[number, number, string], Context>;
    hooklineBreakerFailure(key: string, failures: number, cooldownMs: number): Result<number, Context>;
  }
}

export type BreakerGate =
  | { readonly allowed: true; readonly probe: boolean }
  | { readonly allowed: false; readonly waitMs: number; readonly state: 'open' | 'half_open' };

export interface BreakerSettings {
  readonly failures: number;
  readonly cooldownMs: number;
}

export interface CircuitBreaker {
  /** May a send to `url` go now? Half-open lets one probe through, holding it for `probeLeaseMs`. */
  acquire(url: string, probeLeaseMs: number): Promise<BreakerGate>;
  /** The destination answered: the circuit closes and the failure count resets. */
  recordSuccess(url: string): Promise<void>;
  /** Returns true when this failure left the circuit open. */
  recordFailure(url: string, settings: BreakerSettings): Promise<boolean>;
  /** The Redis key holding a destination's state (for tests and operators). */
  keyFor(url: string): string;
}

/** A per-destination circuit breaker whose state lives in Redis, shared by every worker process. */
export function createCircuitBreaker(connection: Redis, prefix: string): CircuitBreaker {
  connection.defineCommand('hooklineBreakerAcquire', { numberOfKeys: 1, lua: ACQUIRE });
  connection.defineCommand('hooklineBreakerFailure', { numberOfKeys: 1, lua: RECORD_FAILURE });
  const keyFor = (url: string) => `${prefix}:breaker:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;
  return {
    keyFor,
    async acquire(url, probeLeaseMs) {
      const [allowed, value, state] = await connection.hooklineBreakerAcquire(keyFor(url), probeLeaseMs);
      if (allowed === 1) return { allowed: true, probe: state === 'half_open' };
      return { allowed: false, waitMs: value, state: state === 'half_open' ? 'half_open' : 'open' };
    },
    async recordSuccess(url) {
      await connection.del(keyFor(url));
    },
    async recordFailure(url, settings) {
      return (await connection.hooklineBreakerFailure(keyFor(url), settings.failures, settings.cooldownMs)) === 1;
    },
  };
}
