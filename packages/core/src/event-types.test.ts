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

  it('never matches an event without a type when patterns are given', () => {
    expect(matchEventTypes(['*'])(null)).toBe(false);
  });
});
