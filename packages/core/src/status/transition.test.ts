import { describe, expect, it } from 'vitest';
import { classifyTransition, type EntityStatus, rankStatus, type StatusRules } from './transition.js';

const rules: StatusRules = {
  ranks: { pending: 1, running: 2, succeeded: 3, failed: 3 },
  terminal: ['succeeded', 'failed'],
};

function state(status: string): EntityStatus {
  const ranked = rankStatus(rules, status);
  if (!ranked) throw new Error(`no rank for ${status}`);
  return ranked;
}

// Rows: current status; columns: the incoming status. The documented outcome of each pair.
const table: Record<string, Record<string, string>> = {
  pending: { pending: 'unchanged', running: 'applied', succeeded: 'applied', failed: 'applied' },
  running: { pending: 'stale', running: 'unchanged', succeeded: 'applied', failed: 'applied' },
  succeeded: { pending: 'terminal', running: 'terminal', succeeded: 'unchanged', failed: 'terminal' },
  failed: { pending: 'terminal', running: 'terminal', succeeded: 'terminal', failed: 'unchanged' },
};

describe('classifyTransition', () => {
  for (const [current, row] of Object.entries(table)) {
    for (const [next, outcome] of Object.entries(row)) {
      it(`gives ${outcome} when ${next} arrives for an entity at ${current}`, () => {
        expect(classifyTransition(state(current), state(next))).toBe(outcome);
      });
    }
  }

  it.each(Object.keys(rules.ranks))('applies %s to an entity seen for the first time', (status) => {
    expect(classifyTransition(undefined, state(status))).toBe('applied');
  });

  it('keeps two equally ranked non-terminal statuses apart as stale', () => {
    const flat: StatusRules = { ranks: { a: 1, b: 1 }, terminal: [] };
    expect(classifyTransition(rankStatus(flat, 'a'), rankStatus(flat, 'b') as EntityStatus)).toBe('stale');
  });
});

describe('rankStatus', () => {
  it('does not rank an unknown status', () => {
    expect(rankStatus(rules, 'archived')).toBeUndefined();
  });

  it('does not rank names inherited from Object.prototype', () => {
    expect(rankStatus(rules, 'constructor')).toBeUndefined();
  });

  it('marks terminal statuses', () => {
    expect(rankStatus(rules, 'failed')).toEqual({ status: 'failed', rank: 3, terminal: true });
  });
});
