import { describe, expect, it } from 'vitest';
import { GITHUB_REDELIVERY_WINDOW_MS, type HookDeliveryAttempt, planGitHubRecovery } from './github-plan.js';

const now = 1_800_000_000_000;
const hour = 3600 * 1000;

function attempt(id: number, guid: string, statusCode: number, ageMs: number, redelivery = false): HookDeliveryAttempt {
  return { id, guid, statusCode, deliveredAt: now - ageMs, redelivery };
}

describe('planGitHubRecovery', () => {
  it('redelivers the latest attempt of an event no attempt of which reached us', () => {
    const plan = planGitHubRecovery([attempt(1, 'a', 502, 2 * hour), attempt(2, 'a', 0, hour)], new Set(), now);
    expect(plan).toEqual({ missing: 1, redeliver: [2], fetch: [], unresolvedSince: now - 2 * hour });
  });

  it('reads back an event the ingester acknowledged long ago that is still not stored (lost from Redis)', () => {
    const attempts = [attempt(1, 'lost', 200, hour), attempt(2, 'recent', 200, 60_000)];
    expect(planGitHubRecovery(attempts, new Set(), now)).toEqual({ missing: 1, redeliver: [], fetch: [1] });
  });

  it('leaves alone an event that is stored, or that one attempt delivered (the ingester acknowledged it)', () => {
    const attempts = [attempt(1, 'stored', 500, hour), attempt(2, 'acked', 500, hour), attempt(3, 'acked', 200, hour / 4)];
    expect(planGitHubRecovery(attempts, new Set(['stored']), now)).toEqual({ missing: 0, redeliver: [], fetch: [] });
  });

  it('reads and ingests an event too old to redeliver', () => {
    const plan = planGitHubRecovery([attempt(7, 'old', 503, GITHUB_REDELIVERY_WINDOW_MS - hour / 2)], new Set(), now);
    expect(plan).toEqual({ missing: 1, redeliver: [], fetch: [7] });
  });

  it('reads and ingests an event whose redelivery failed as well, instead of redelivering for ever', () => {
    const plan = planGitHubRecovery([attempt(1, 'a', 502, 2 * hour), attempt(2, 'a', 502, hour, true)], new Set(), now);
    expect(plan).toEqual({ missing: 1, redeliver: [], fetch: [2] });
  });
});
