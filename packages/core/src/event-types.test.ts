import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { matchEventTypes } from './event-types.js';

describe('matchEventTypes', () => {
  it('matches every event, typed or not, when no patterns are given', () => {
    const matches = matchEventTypes(undefined);
    expect(matches('payment_intent.succeeded')).toBe(true);
    expect(matches(null)).toBe(true);
  });

  it('treats * as any run of characters, dots included', () => {
    const matches = matchEventTypes(['payment_intent.*', 'charge.*.updated']);
    expect(matches('payment_intent.succeeded')).toBe(true);
    expect(matches('payment_intent.')).toBe(true);
    expect(matches('charge.dispute.funds.updated')).toBe(true);
    expect(matches('invoice.paid')).toBe(false);
  });

  it('treats every other character literally', () => {
    const matches = matchEventTypes(['order.paid', 'a+b']);
    expect(matches('order.paid')).toBe(true);
    expect(matches('orderXpaid')).toBe(false);
    expect(matches('a+b')).toBe(true);
    expect(matches('aab')).toBe(false);
  });

  it('agrees with the regular expression a glob stands for, on every short glob and text', () => {
    const words = (alphabet: string, maxLength: number): string[] => {
      const all = [''];
      for (let index = 0; index < all.length; index++) {
        const word = all[index] ?? '';
        if (word.length < maxLength) for (const letter of alphabet) all.push(word + letter);
      }
      return all;
    };
    const texts = words('ab', 6);
    for (const glob of words('ab*', 5)) {
      const expected = new RegExp(`^${glob.replaceAll('*', '.*')}$`);
      const matches = matchEventTypes([glob]);
      for (const text of texts) expect(matches(text), `${glob} ~ ${text}`).toBe(expected.test(text));
    }
  });

  it('answers a glob of many stars against a long type in linear time (no backtracking)', () => {
    // Run apart, with a deadline far above what a linear pass needs: a regular expression of
    // nine `.*` retries every split of the text and never finishes (it cannot be interrupted
    // in-process, since a regular expression blocks the event loop).
    const module = new URL('./event-types.ts', import.meta.url).href;
    const output = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { matchEventTypes } = await import(${JSON.stringify(module)});
         const matches = matchEventTypes(['*a*a*a*a*a*a*a*a*b']);
         console.log(JSON.stringify([matches('a'.repeat(20000)), matches('a'.repeat(20000) + 'b')]));`,
      ],
      { timeout: 20_000, encoding: 'utf8' },
    );
    expect(JSON.parse(output)).toEqual([false, true]);
  }, 30_000);

  it('never matches an event without a type when patterns are given', () => {
    expect(matchEventTypes(['*'])(null)).toBe(false);
  });
});
