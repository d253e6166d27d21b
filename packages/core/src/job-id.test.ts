import { describe, expect, it } from 'vitest';
import { toJobId } from './job-id.js';

describe('toJobId', () => {
  it('never produces a colon', () => {
    expect(toJobId('payments', 'urn:evt:1')).not.toContain(':');
  });

  it('never produces an all-digit id, even for a numeric event id', () => {
    expect(toJobId('payments', '12345')).not.toMatch(/^\d+$/);
  });

  it('keeps distinct event ids distinct after escaping', () => {
    const ids = ['a:b', 'a%3Ab', 'a%253Ab', 'a%b', 'a%25b'];
    expect(new Set(ids.map((id) => toJobId('s', id))).size).toBe(ids.length);
  });

  it('keeps the same event id in two sources apart', () => {
    expect(toJobId('a', 'x/1')).not.toBe(toJobId('a-x', '1'));
    expect(toJobId('a', 'evt')).not.toBe(toJobId('b', 'evt'));
  });

  it('hashes an over-long id to a bounded, stable key that no short id can collide with', () => {
    const long = 'x'.repeat(1000);
    expect(toJobId('s', long)).toBe(toJobId('s', long));
    expect(toJobId('s', long).length).toBeLessThanOrEqual(256);
    expect(toJobId('s', long)).toMatch(/^s\/%23[0-9a-f]{64}$/);
    expect(toJobId('s', '#abc')).toBe('s/#abc');
  });
});
