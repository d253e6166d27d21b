import { describe, expect, it } from 'vitest';
import { parseStatusRules } from './status-rules.js';

describe('parseStatusRules', () => {
  it('reads each source rules without needing its secrets in the environment', () => {
    const result = parseStatusRules(`
sources:
  - name: orders
    provider: hmac-sha256
    secrets: [ORDERS_SECRET]
  - name: runs
    provider: hmac-sha256
    secrets: [RUNS_SECRET]
    entity: { id: run.id, status: run.status }
    statuses:
      ranks: { queued: 1, done: 2 }
      terminal: [done]
`);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect([...result.rules.keys()]).toEqual(['orders', 'runs']);
    expect(result.rules.get('orders')).toBeUndefined();
    expect(result.rules.get('runs')).toEqual({ ranks: { queued: 1, done: 2 }, terminal: ['done'] });
  });

  it("takes a provider preset's rules when the source sets none", () => {
    const result = parseStatusRules('sources:\n  - name: payments\n    provider: stripe\n    secrets: [STRIPE_SECRET]\n');
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.rules.get('payments')?.terminal).toEqual(expect.arrayContaining(['succeeded']));
  });

  it('names the bad field of an invalid file', () => {
    const result = parseStatusRules('sources:\n  - name: Bad Name\n    provider: hmac-sha256\n    secrets: [X]\n');
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^sources\[0\]\.name: /)] });
  });
});
