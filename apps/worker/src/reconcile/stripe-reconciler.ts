import type { Reconciler } from './pass.js';

/** The fields of Stripe's list object and event the pass reads. */
interface EventList {
  readonly data: readonly ({ readonly id: string } & Record<string, unknown>)[];
  readonly has_more: boolean;
}

function isEventList(body: unknown): body is EventList {
  return typeof body === 'object' && body !== null && Array.isArray((body as EventList).data);
}

/**
 * Stripe: `GET /v1/events?created[gte]=…&limit=100`, newest first, paged with
 * `starting_after=<last id>` while `has_more`. Each event is the body Stripe would have
 * delivered, so it is ingested as one; its id (`evt_…`) is the event id.
 */
export const reconcileStripe: Reconciler = async (pass) => {
  const target = pass.settings.target;
  const startedAt = pass.now();
  const query = new URLSearchParams({ 'created[gte]': String(Math.floor(pass.since / 1000)), limit: '100' });
  if (target.provider === 'stripe') for (const type of target.types ?? []) query.append('types[]', type);
  let startingAfter: string | undefined;
  for (;;) {
    const page = new URLSearchParams(query);
    if (startingAfter !== undefined) page.set('starting_after', startingAfter);
    const { body } = await pass.api.get(`${pass.settings.baseUrl}/v1/events?${page}`);
    if (!isEventList(body)) throw new Error('Stripe answered something that is not a list of events');
    pass.tally.scanned += body.data.length;
    await pass.ingest(
      body.data.map((event) => ({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        via: 'stripe-events-api' as const,
        recoveredAt: pass.now(),
      })),
    );
    const last = body.data.at(-1);
    if (!body.has_more || last === undefined) break;
    startingAfter = last.id;
  }
  // Every event created before the pass began has been listed.
  return startedAt;
};
