import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-depth.js';

describe('nestsDeeperThan', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":[1,{"b":2}]}', 3, false],
    ['{"a":[1,{"b":2}]}', 2, true],
    ['[[[]]]', 2, true],
  ])('%s with limit %i → %s', (text, limit, expected) => {
    expect(nestsDeeperThan(text, limit)).toBe(expected);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan('{"a":"[[[{{{\\"[[[","b":"\\\\"}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":"\\\\",  "b":[[1]]}', 2)).toBe(true);
  });

  it('walks a body opening more brackets than the limit, shallow or deep, strings included', () => {
    const shallow = `[${Array.from({ length: 200 }, () => '{"a":"[["}').join(',')}]`;
    expect(nestsDeeperThan(shallow, 128)).toBe(false);
    expect(nestsDeeperThan(`{"a":${'['.repeat(129)}${']'.repeat(129)}}`, 128)).toBe(true);
  });

  it('answers a body hundreds of thousands deep without overflowing the stack', () => {
    const depth = 300_000;
    expect(nestsDeeperThan('['.repeat(depth) + ']'.repeat(depth), 128)).toBe(true);
  });
});
