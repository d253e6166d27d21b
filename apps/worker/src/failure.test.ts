import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isPermanentFailure } from './failure.js';
import { HandlerError } from './handlers/handler-error.js';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
const wrapped = (cause: Error) => new Error('Failed query: insert …', { cause });

describe('isDatabaseUnavailable', () => {
  it.each(['ECONNREFUSED', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', '57P01', '57P03', '53300', '08006'])(
    'is true for %s, also wrapped by the query builder',
    (code) => {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
      expect(isDatabaseUnavailable(wrapped(withCode(code)))).toBe(true);
    },
  );

  it.each(['22P02', '23505', '40001', '54001', '42P01'])('is false for %s: the server answered', (code) => {
    expect(isDatabaseUnavailable(wrapped(withCode(code)))).toBe(false);
  });

  it("is false for a handler's own connection error: that is the handler failing, not Postgres", () => {
    const handlerFailure = new HandlerError('handler handlers/notify.ts failed', false, { cause: withCode('ECONNREFUSED') });
    expect(isDatabaseUnavailable(handlerFailure)).toBe(false);
  });

  it('is false for errors without a code', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable('boom')).toBe(false);
  });
});

describe('isPermanentFailure', () => {
  it.each([
    ['22P05', true],
    ['23502', true],
    ['54001', true],
    ['40001', false],
    ['57P01', false],
  ])('%s → %s', (code, permanent) => {
    expect(isPermanentFailure(wrapped(withCode(code)))).toBe(permanent);
  });
});
