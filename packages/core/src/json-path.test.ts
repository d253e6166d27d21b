import { describe, expect, it } from 'vitest';
import { readIdentifier, readPath } from './json-path.js';

describe('readPath', () => {
  it('reads a nested value', () => {
    expect(readPath({ data: { object: { id: 'pi_1' } } }, 'data.object.id')).toBe('pi_1');
  });

  it('does not walk into prototypes', () => {
    expect(readPath({}, 'constructor.name')).toBeUndefined();
    expect(readPath(JSON.parse('{"__proto__":{"x":1}}'), '__proto__.x')).toBe(1);
  });
});

describe('readIdentifier', () => {
  it('turns numbers into strings and ignores empty strings and objects', () => {
    expect(readIdentifier({ id: 42 }, 'id')).toBe('42');
    expect(readIdentifier({ id: '' }, 'id')).toBeUndefined();
    expect(readIdentifier({ id: { nested: true } }, 'id')).toBeUndefined();
  });
});
