/**
 * Row locks taken in one global order cannot deadlock: two transactions that both lock
 * entities A and B take A first. Events and entities are locked in the order of their keys,
 * compared as plain strings (any total order works, as long as every batch uses the same).
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The items in lock order. */
export function inLockOrder<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
}

/**
 * Splits items into waves with at most one item per key, so that one statement never touches
 * a row twice (Postgres refuses an upsert that would): the n-th item of each key goes to wave
 * n, so each key's items keep their order across waves. Each wave is in lock order.
 */
export function planWaves<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const waves: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    const wave = seen.get(key) ?? 0;
    seen.set(key, wave + 1);
    const members = waves[wave] ?? [];
    members.push(item);
    waves[wave] = members;
  }
  return waves.map((wave) => inLockOrder(wave, keyOf));
}
