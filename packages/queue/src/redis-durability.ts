import type { Redis } from 'ioredis';

/** What Redis says about keeping acknowledged events: `undefined` where INFO does not tell. */
export interface RedisDurability {
  readonly evictionPolicy: string | undefined;
  readonly aofEnabled: boolean | undefined;
}

export interface DurabilityProblem {
  /** True when Redis may drop queued events while running, not only on a restart. */
  readonly evicts: boolean;
  readonly message: string;
}

function infoField(info: string, name: string): string | undefined {
  const line = info.split(/\r?\n/).find((candidate) => candidate.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

/** Reads INFO, not CONFIG GET: managed Redis services often disable CONFIG. */
export async function readRedisDurability(connection: Redis): Promise<RedisDurability> {
  const [memory, persistence] = await Promise.all([connection.info('memory'), connection.info('persistence')]);
  const aof = infoField(persistence, 'aof_enabled');
  return {
    evictionPolicy: infoField(memory, 'maxmemory_policy'),
    aofEnabled: aof === undefined ? undefined : aof === '1',
  };
}

/** Every way this Redis could lose an acknowledged event, worst first. */
export function durabilityProblems(durability: RedisDurability): DurabilityProblem[] {
  const problems: DurabilityProblem[] = [];
  if (durability.evictionPolicy !== undefined && durability.evictionPolicy !== 'noeviction') {
    problems.push({
      evicts: true,
      message: `Redis maxmemory-policy is ${durability.evictionPolicy}: when memory fills it may evict queued events that were already acknowledged; set maxmemory-policy noeviction`,
    });
  }
  if (durability.aofEnabled === false) {
    problems.push({
      evicts: false,
      message: 'Redis runs without appendonly: a Redis restart loses every queued event not yet stored; set appendonly yes',
    });
  }
  return problems;
}

export interface DurabilityWatch {
  readonly onProblems: (problems: readonly DurabilityProblem[]) => void;
  readonly onError: (error: Error) => void;
}

/**
 * Checks now if connected and again on every reconnection: the Redis that comes back after
 * an outage may not be the one that left. Returns a function that stops watching.
 */
export function watchRedisDurability(connection: Redis, watch: DurabilityWatch): () => void {
  const check = () => {
    readRedisDurability(connection).then(
      (durability) => watch.onProblems(durabilityProblems(durability)),
      (error: unknown) => watch.onError(error as Error),
    );
  };
  if (connection.status === 'ready') check();
  connection.on('ready', check);
  return () => connection.off('ready', check);
}
