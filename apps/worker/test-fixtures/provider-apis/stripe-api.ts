import { type ApiRequest, type ApiResponse, bearer, type FakeApi, startFakeApi } from './http-server.js';

/**
 * Stripe's `GET /v1/events` as its API reference and OpenAPI description (stripe/openapi
 * `spec3`: `GetEvents`) describe it: bearer secret or restricted key; `created[gt|gte|lt|lte]`,
 * `limit` 1–100 (default 10), `starting_after`/`ending_before` (object ids), `types[]` (at most
 * 20) or `type`; newest first; a list object `{object: "list", url, has_more, data}`; errors as
 * `{"error": {"type", "message", "code"?}}` — 401 for an invalid key, 403 for a restricted
 * key without the permission, 400 for bad parameters.
 */
export interface StripeEvent {
  readonly id: string;
  readonly object: 'event';
  readonly api_version: string;
  readonly created: number;
  readonly data: { readonly object: Record<string, unknown> };
  readonly livemode: false;
  readonly pending_webhooks: number;
  readonly request: { readonly id: string | null; readonly idempotency_key: string | null };
  readonly type: string;
}

export interface FakeStripe extends FakeApi {
  /** Newest last; the API lists newest first. */
  readonly events: StripeEvent[];
  /** Keys the API accepts; `revoke` makes one answer 401. */
  readonly keys: Set<string>;
}

const error = (status: number, type: string, message: string, code?: string): ApiResponse => ({
  status,
  body: { error: { type, message, ...(code && { code }) } },
  headers: { 'request-id': `req_${Math.random().toString(36).slice(2, 16)}` },
});

function listEvents(events: readonly StripeEvent[], request: ApiRequest): ApiResponse {
  const query = request.url.searchParams;
  const limit = Number(query.get('limit') ?? '10');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return error(400, 'invalid_request_error', 'This value must be between 1 and 100.', 'parameter_invalid_integer');
  }
  const types = query.getAll('types[]');
  if (types.length > 20) return error(400, 'invalid_request_error', 'You may pass at most 20 types.', 'parameter_invalid');
  if (types.length > 0 && query.has('type'))
    return error(400, 'invalid_request_error', 'You may pass either type or types, but not both.');
  const bounds = {
    gt: query.get('created[gt]'),
    gte: query.get('created[gte]'),
    lt: query.get('created[lt]'),
    lte: query.get('created[lte]'),
  };
  let newestFirst = [...events]
    .filter(
      (event) =>
        (bounds.gt === null || event.created > Number(bounds.gt)) && (bounds.gte === null || event.created >= Number(bounds.gte)),
    )
    .filter(
      (event) =>
        (bounds.lt === null || event.created < Number(bounds.lt)) && (bounds.lte === null || event.created <= Number(bounds.lte)),
    )
    .filter((event) => types.length === 0 || types.includes(event.type))
    .reverse();
  const startingAfter = query.get('starting_after');
  if (startingAfter !== null) {
    const index = newestFirst.findIndex((event) => event.id === startingAfter);
    if (index < 0) return error(400, 'invalid_request_error', `No such event: '${startingAfter}'`, 'resource_missing');
    newestFirst = newestFirst.slice(index + 1);
  }
  return {
    status: 200,
    body: { object: 'list', url: '/v1/events', has_more: newestFirst.length > limit, data: newestFirst.slice(0, limit) },
  };
}

export async function startFakeStripe(keys: readonly string[]): Promise<FakeStripe> {
  const events: StripeEvent[] = [];
  const accepted = new Set(keys);
  const api = await startFakeApi((request) => {
    const key = bearer(request);
    if (key === undefined) {
      return error(
        401,
        'invalid_request_error',
        'You did not provide an API key. You need to provide your API key in the Authorization header.',
      );
    }
    if (!accepted.has(key))
      return error(401, 'invalid_request_error', `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`);
    if (request.method === 'GET' && request.url.pathname === '/v1/events') return listEvents(events, request);
    return error(404, 'invalid_request_error', `Unrecognized request URL (${request.method}: ${request.url.pathname}).`);
  });
  return { ...api, events, keys: accepted };
}

/** A payment_intent event as Stripe renders one. */
export function paymentIntentEvent(id: string, created: number, intentId: string, status: string): StripeEvent {
  const type =
    status === 'succeeded'
      ? 'payment_intent.succeeded'
      : status === 'canceled'
        ? 'payment_intent.canceled'
        : 'payment_intent.processing';
  return {
    id,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created,
    data: { object: { id: intentId, object: 'payment_intent', amount: 2000, currency: 'usd', status } },
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type,
  };
}
