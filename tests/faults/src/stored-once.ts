import { waitFor } from '@hookline/e2e/harness';
import { expect } from 'vitest';
import { isSettled, type Scenario } from './scenario.js';

/**
 * Waits until every acknowledged event is stored and the queue has settled, then checks the
 * promise itself: exactly those events, one row each, none failed.
 */
export async function expectStoredOnce(scenario: Scenario, acknowledged: ReadonlySet<string>): Promise<void> {
  await waitFor(
    'every acknowledged event stored and the queue settled',
    async () => {
      const stored = await scenario.storedEvents();
      return stored.processed === acknowledged.size && isSettled(await scenario.queueState()) ? true : undefined;
    },
    90_000,
  );
  expect(await scenario.storedEvents()).toEqual({
    rows: acknowledged.size,
    distinct: acknowledged.size,
    processed: acknowledged.size,
  });
  expect(await scenario.storedEventIds()).toEqual(new Set(acknowledged));
  expect(await scenario.queueState()).toMatchObject({ failed: 0, completed: acknowledged.size });
}
