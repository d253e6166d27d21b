import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys, inLockOrder, planWaves } from './lock-order.js';

const keyOf = (item: { key: string }) => item.key;

describe('planWaves', () => {
  it('puts the n-th offer of each entity in wave n, each wave in key order', () => {
    const items = [
      { key: 'b', n: 1 },
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
      { key: 'c', n: 1 },
      { key: 'b', n: 3 },
      { key: 'a', n: 2 },
    ];
    expect(planWaves(items, keyOf)).toEqual([
      [
        { key: 'a', n: 1 },
        { key: 'b', n: 1 },
        { key: 'c', n: 1 },
      ],
      [
        { key: 'a', n: 2 },
        { key: 'b', n: 2 },
      ],
      [{ key: 'b', n: 3 }],
    ]);
  });

  it('never puts one key twice in a wave, keeps every item and each key its order, for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), n: fc.nat() })), (items) => {
        const waves = planWaves(items, keyOf);
        for (const wave of waves) {
          expect(new Set(wave.map(keyOf)).size).toBe(wave.length);
          expect(wave).toEqual(inLockOrder(wave, keyOf));
        }
        expect(waves.flat()).toHaveLength(items.length);
        for (const key of ['a', 'b', 'c', 'd']) {
          const original = items.filter((item) => item.key === key);
          const planned = waves.flatMap((wave) => wave.filter((item) => item.key === key));
          expect(planned).toEqual(original);
        }
      }),
    );
  });
});

describe('lock order', () => {
  it('is one total order: two batches locking the same keys lock them in the same sequence', () => {
    const first = inLockOrder([{ key: 'jobs\u0000b' }, { key: 'jobs\u0000a' }, { key: 'apify\u0000z' }], keyOf);
    const second = inLockOrder([{ key: 'apify\u0000z' }, { key: 'jobs\u0000a' }, { key: 'jobs\u0000b' }], keyOf);
    expect(first).toEqual(second);
    expect(first.map(keyOf)).toEqual(['apify\u0000z', 'jobs\u0000a', 'jobs\u0000b']);
    expect(compareKeys('a', 'a')).toBe(0);
  });
});
