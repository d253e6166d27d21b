import { type HookDeliveryAttempt, nextLink, planGitHubRecovery } from '@hookline/core';
import type { Pass, Reconciler } from './pass.js';

/** GitHub's `hook-delivery-item`: one attempt. */
interface DeliveryItem {
  readonly id: number;
  readonly guid: string;
  readonly delivered_at: string;
  readonly redelivery: boolean;
  readonly status_code: number;
  readonly event: string;
}

/** GitHub's `hook-delivery`: the attempt with the request it made. */
interface DeliveryDetail extends DeliveryItem {
  readonly request: { readonly headers: Record<string, string> | null; readonly payload: Record<string, unknown> | null };
}

function isItemList(body: unknown): body is DeliveryItem[] {
  return Array.isArray(body);
}

/** Every attempt since `pass.since`: newest first, `per_page=100`, following `Link: rel="next"`. */
async function listAttempts(pass: Pass, base: string): Promise<HookDeliveryAttempt[]> {
  const attempts: HookDeliveryAttempt[] = [];
  let url: string | undefined = `${base}?per_page=100`;
  while (url !== undefined) {
    const { body, headers } = await pass.api.get(url);
    if (!isItemList(body)) throw new Error('GitHub answered something that is not a list of deliveries');
    pass.tally.scanned += body.length;
    let older = false;
    for (const item of body) {
      const deliveredAt = Date.parse(item.delivered_at);
      if (deliveredAt < pass.since) older = true;
      else
        attempts.push({ id: item.id, guid: item.guid, deliveredAt, redelivery: item.redelivery, statusCode: item.status_code });
    }
    url = older ? undefined : nextLink(headers.get('link'));
  }
  return attempts;
}

/** The recorded request of one attempt, as the delivery it was. */
async function readDelivery(pass: Pass, base: string, id: number) {
  const { body } = await pass.api.get(`${base}/${id}`);
  const detail = body as DeliveryDetail;
  if (detail.request?.payload === null || detail.request?.payload === undefined) return undefined;
  return {
    headers: {
      ...(detail.request.headers ?? {}),
      'x-github-delivery': detail.guid,
      'x-github-event': detail.event,
      // The recorded payload is the event's JSON whatever content type the hook uses.
      'content-type': 'application/json',
    },
    body: JSON.stringify(detail.request.payload),
    via: 'github-deliveries-api' as const,
    recoveredAt: pass.now(),
  };
}

/**
 * GitHub (repository or organization webhook): lists the hook's delivery attempts; an event
 * no attempt of which reached Hookline, and not stored, is redelivered (GitHub sends it again,
 * signed, with the same `X-GitHub-Delivery`), or — too old for that, or its redelivery failed
 * too — read back and ingested from its recorded request with the guid as event id.
 */
export const reconcileGitHub: Reconciler = async (pass) => {
  const target = pass.settings.target;
  if (target.provider !== 'github') throw new Error('not a GitHub source');
  const startedAt = pass.now();
  const base = `${pass.settings.baseUrl}/${target.hookOwner}/hooks/${target.hookId}/deliveries`;
  const attempts = await listAttempts(pass, base);
  const known = await pass.knownEventIds([...new Set(attempts.map((attempt) => attempt.guid))]);
  const plan = planGitHubRecovery(attempts, known, startedAt);
  pass.tally.missing += plan.redeliver.length;
  for (const id of plan.redeliver) {
    await pass.api.post(`${base}/${id}/attempts`);
    pass.tally.redelivered += 1;
  }
  for (const id of plan.fetch) {
    const delivery = await readDelivery(pass, base, id);
    if (delivery !== undefined) await pass.ingest([delivery]);
  }
  // A redelivered event is settled once an attempt of it succeeds: the next pass looks again.
  return Math.min(startedAt, plan.unresolvedSince ?? startedAt);
};
