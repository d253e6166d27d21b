import { type ApifyRun, apifyRunEntityId, planApifyRecovery } from '@hookline/core';
import type { Pass, Reconciler } from './pass.js';

const PAGE = 250;

interface RunList {
  readonly data: { readonly items: readonly ApifyRun[]; readonly total?: number };
}

function isRunList(body: unknown): body is RunList {
  return typeof body === 'object' && body !== null && Array.isArray((body as RunList).data?.items);
}

/**
 * Runs started since `pass.since`, newest first (`desc=1`), paged by `limit`/`offset`. A run
 * started while paging shifts the rest one place down: it is seen twice, never skipped.
 */
async function listRuns(pass: Pass, path: string): Promise<ApifyRun[]> {
  const runs: ApifyRun[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { body } = await pass.api.get(`${pass.settings.baseUrl}${path}?desc=1&limit=${PAGE}&offset=${offset}`);
    if (!isRunList(body)) throw new Error('Apify answered something that is not a list of runs');
    const { items } = body.data;
    pass.tally.scanned += items.length;
    const recent = items.filter((run) => Date.parse(run.startedAt) >= pass.since);
    runs.push(...recent);
    if (items.length < PAGE || recent.length < items.length) return runs;
  }
}

/**
 * Apify: the account's runs (`GET /v2/actor-runs`), or each configured actor's
 * (`GET /v2/acts/{actorId}/runs`). A run whose status is newer than its entity's, or unknown
 * to Hookline, is recorded as a recovered event (see core's `planApifyRecovery`).
 */
export const reconcileApify: Reconciler = async (pass) => {
  const target = pass.settings.target;
  if (target.provider !== 'apify') throw new Error('not an Apify source');
  const startedAt = pass.now();
  const paths = target.actors?.map((actor) => `/v2/acts/${encodeURIComponent(actor)}/runs`) ?? ['/v2/actor-runs'];
  const byId = new Map<string, ApifyRun>();
  for (const path of paths) for (const run of await listRuns(pass, path)) byId.set(run.id, run);
  const runs = [...byId.values()];
  const entityIds = runs.flatMap((run) => apifyRunEntityId(pass.source, run) ?? []);
  const plan = planApifyRecovery(pass.source, runs, await pass.storedEntities(entityIds), startedAt);
  await pass.ingest(plan.deliveries);
  return Math.min(startedAt, plan.unsettledSince ?? startedAt);
};
