import { describe, expect, it } from 'vitest';
import { classifyTransition, type EntityStatus, rankStatus, reopenableStatuses, type StatusRules } from './transition.js';

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

describe('classifyTransition with a reopen rule', () => {
  const reopenable = ['succeeded', 'failed'];
  // Rows: current status; columns: the incoming status of a reopening event.
  const reopening: Record<string, Record<string, string>> = {
    pending: { pending: 'unchanged', running: 'applied', succeeded: 'applied', failed: 'applied' },
    running: { pending: 'stale', running: 'unchanged', succeeded: 'applied', failed: 'applied' },
    succeeded: { pending: 'reopened', running: 'reopened', succeeded: 'unchanged', failed: 'reopened' },
    failed: { pending: 'reopened', running: 'reopened', succeeded: 'reopened', failed: 'unchanged' },
  };
  for (const [current, row] of Object.entries(reopening)) {
    for (const [next, outcome] of Object.entries(row)) {
      it(`gives ${outcome} when a reopening ${next} arrives for an entity at ${current}`, () => {
        expect(classifyTransition(state(current), state(next), reopenable)).toBe(outcome);
      });
    }
  }

  it('reopens a non-terminal status named in the rule, even to a lower rank', () => {
    expect(classifyTransition(state('running'), state('pending'), ['running'])).toBe('reopened');
  });
});

describe('reopenableStatuses', () => {
  const withRules: StatusRules = {
    ...rules,
    reopen: [
      { eventTypes: ['run.resurrected'], from: ['succeeded', 'failed'] },
      { eventTypes: ['run.retried', 'run.resurrected'], from: ['failed'] },
    ],
  };

  it('gathers the statuses of every rule naming the event type, once each', () => {
    expect(reopenableStatuses(withRules, 'run.resurrected')).toEqual(['succeeded', 'failed']);
    expect(reopenableStatuses(withRules, 'run.retried')).toEqual(['failed']);
  });

  it('gives nothing for other event types, for no event type, or without rules', () => {
    expect(reopenableStatuses(withRules, 'run.succeeded')).toEqual([]);
    expect(reopenableStatuses(withRules, null)).toEqual([]);
    expect(reopenableStatuses(rules, 'run.resurrected')).toEqual([]);
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
