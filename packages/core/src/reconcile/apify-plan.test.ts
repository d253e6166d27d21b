import { describe, expect, it } from 'vitest';
import { parseSourcesConfig } from '../config/sources-config.js';
import { type ApifyRun, planApifyRecovery, type StoredEntity } from './apify-plan.js';
import { recoverEvent } from './recovered-event.js';

const parsed = parseSourcesConfig('sources:\n  - { name: runs, provider: apify, secrets: [T] }\n', { T: 'token' });
if (!parsed.ok) throw new Error(parsed.problems.join());
const source = parsed.config.sources.get('runs');
if (source === undefined) throw new Error('no source');

const now = 1_800_000_000_000;
const run = (id: string, status: string, startedAt: string, finishedAt: string | null = null): ApifyRun => ({
  id,
  actId: 'act1',
  status,
  startedAt,
  finishedAt,
});
const stored = (status: string, rank: number, terminal: boolean): StoredEntity => ({ status, rank, terminal, lastEventId: 'd1' });

function eventsOf(runs: ApifyRun[], states: Map<string, StoredEntity>) {
  const plan = planApifyRecovery(source as NonNullable<typeof source>, runs, states, now);
  return {
    plan,
    events: plan.deliveries.map((delivery) => {
      const result = recoverEvent(source as NonNullable<typeof source>, delivery);
      if (!result.ok) throw new Error(result.reason);
      return result.event;
    }),
  };
}

describe('planApifyRecovery', () => {
  it('records the status of a run Hookline never heard of, as the event Apify would have sent', () => {
    const { events, plan } = eventsOf(
      [run('r1', 'SUCCEEDED', '2027-01-01T00:00:00.000Z', '2027-01-01T00:05:00.000Z')],
      new Map(),
    );
    expect(events).toMatchObject([
      {
        eventId: 'recovered-r1-SUCCEEDED-2027-01-01T00:05:00.000Z',
        eventType: 'ACTOR.RUN.SUCCEEDED',
        entityId: 'r1',
        status: 'SUCCEEDED',
        headers: { 'x-hookline-recovered': 'apify-runs-api' },
      },
    ]);
    expect(plan.unsettledSince).toBeUndefined();
  });

  it('records nothing for a run already at the status Apify reports, or behind what is stored', () => {
    const states = new Map([
      ['r1', stored('SUCCEEDED', 4, true)],
      ['r2', stored('RUNNING', 2, false)],
    ]);
    const runs = [
      run('r1', 'SUCCEEDED', '2027-01-01T00:00:00.000Z', '2027-01-01T00:01:00.000Z'),
      run('r2', 'READY', '2027-01-01T00:02:00.000Z'),
    ];
    const { events, plan } = eventsOf(runs, states);
    expect(events).toEqual([]);
    expect(plan.unsettledSince).toBe(Date.parse('2027-01-01T00:02:00.000Z'));
  });

  it('reopens a finished run that Apify reports running again with ACTOR.RUN.RESURRECTED', () => {
    const { events } = eventsOf(
      [run('r1', 'RUNNING', '2027-01-01T00:00:00.000Z')],
      new Map([['r1', stored('SUCCEEDED', 4, true)]]),
    );
    expect(events).toMatchObject([
      { eventType: 'ACTOR.RUN.RESURRECTED', status: 'RUNNING', eventId: 'recovered-r1-ACTOR.RUN.RESURRECTED-after-d1' },
    ]);
  });

  it('reopens a run that finished again with another status, and leaves it for the next pass to finish', () => {
    const runs = [run('r1', 'FAILED', '2027-01-01T00:00:00.000Z', '2027-01-02T00:00:00.000Z')];
    const { events, plan } = eventsOf(runs, new Map([['r1', stored('SUCCEEDED', 4, true)]]));
    expect(events).toMatchObject([{ eventType: 'ACTOR.RUN.RESURRECTED', status: 'RUNNING' }]);
    expect(plan.unsettledSince).toBe(Date.parse('2027-01-01T00:00:00.000Z'));
  });

  it('derives the same event ids on every pass over the same state', () => {
    const runs = [run('r1', 'RUNNING', '2027-01-01T00:00:00.000Z')];
    expect(eventsOf(runs, new Map()).events[0]?.eventId).toBe(eventsOf(runs, new Map()).events[0]?.eventId);
  });
});
