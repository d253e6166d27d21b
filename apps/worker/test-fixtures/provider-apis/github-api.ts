import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { type ApiRequest, type ApiResponse, bearer, type FakeApi, startFakeApi } from './http-server.js';

/**
 * GitHub's webhook deliveries API as github/rest-api-description and docs.github.com
 * ("REST API endpoints for repository webhooks", "… organization webhooks", "Redelivering
 * webhooks", "Rate limits for the REST API") describe it:
 * - `GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries` (and `/orgs/{org}/…`): `per_page`
 *   (max 100, default 30), `cursor`; newest first; `hook-delivery-item` objects; the next page in
 *   `Link: <…>; rel="next"`.
 * - `GET …/deliveries/{delivery_id}`: `hook-delivery`, with `request.headers`/`request.payload`.
 * - `POST …/deliveries/{delivery_id}/attempts`: 202 and GitHub sends the delivery again — signed,
 *   with the same `X-GitHub-Delivery` guid (the guid identifies the event, github/docs#32822) —
 *   recorded as a new delivery with `redelivery: true`; only for deliveries of the last 3 days.
 * - Token auth (`Authorization: Bearer`/`token`); `401 {"message":"Bad credentials"}`; every
 *   answer carries `x-ratelimit-limit/-remaining/-used/-reset/-resource`; a spent quota is `403`
 *   with `x-ratelimit-remaining: 0` until `x-ratelimit-reset`.
 */
export interface HookDelivery {
  readonly id: number;
  readonly guid: string;
  readonly delivered_at: string;
  readonly redelivery: boolean;
  readonly duration: number;
  readonly status: string;
  readonly status_code: number;
  readonly event: string;
  readonly action: string | null;
  readonly installation_id: number | null;
  readonly repository_id: number | null;
  readonly throttled_at: string | null;
  readonly url: string;
  readonly request: { readonly headers: Record<string, string>; readonly payload: Record<string, unknown> };
  readonly response: { readonly headers: Record<string, string>; readonly payload: string | null };
}

export interface FakeGitHub extends FakeApi {
  /** `repos/<owner>/<repo>` or `orgs/<org>`. */
  readonly hookOwner: string;
  readonly hookId: number;
  /** Where the hook points; a test points it at a closed port to play an outage. */
  hookUrl: string;
  readonly deliveries: HookDelivery[];
  readonly tokens: Set<string>;
  /** From now on, `requests` per one-second window: then 403 with the quota spent until the reset. */
  limitTo(requests: number): void;
  /** GitHub creates an event and delivers it once, as it does (no retries). */
  emit(event: string, payload: Record<string, unknown>, at?: Date): Promise<HookDelivery>;
  /** Resolves once every redelivery asked for so far has been sent. */
  settled(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const REDELIVERY_WINDOW_MS = 3 * 24 * 3600 * 1000;

export async function startFakeGitHub(options: {
  hookOwner: string;
  hookId: number;
  secret: string;
  tokens: string[];
}): Promise<FakeGitHub> {
  const deliveries: HookDelivery[] = [];
  const pending: Promise<unknown>[] = [];
  let nextId = 1;
  let quota = Number.POSITIVE_INFINITY;
  let used = 0;
  let windowEndsAt = Math.ceil(Date.now() / 1000) + 1;

  async function send(guid: string, event: string, payload: Record<string, unknown>, redelivery: boolean, at: Date) {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      Accept: '*/*',
      'Content-Type': 'application/json',
      'User-Agent': 'GitHub-Hookshot/044aadd',
      'X-GitHub-Delivery': guid,
      'X-GitHub-Event': event,
      'X-GitHub-Hook-ID': String(options.hookId),
      'X-Hub-Signature-256': await sign(options.secret, body),
    };
    const started = Date.now();
    let status = 'OK';
    let statusCode: number;
    let responseBody: string | null = null;
    try {
      const response = await fetch(`${fake.hookUrl}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      statusCode = response.status;
      responseBody = await response.text();
      if (!response.ok) status = `Invalid HTTP Response: ${statusCode}`;
    } catch {
      status = 'failed to connect';
      statusCode = 502;
    }
    const delivery: HookDelivery = {
      id: nextId++,
      guid,
      delivered_at: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      redelivery,
      duration: (Date.now() - started) / 1000,
      status,
      status_code: statusCode,
      event,
      action: typeof payload.action === 'string' ? payload.action : null,
      installation_id: null,
      repository_id: 1296269,
      throttled_at: null,
      url: fake.hookUrl,
      request: { headers, payload },
      response: { headers: {}, payload: responseBody },
    };
    deliveries.push(delivery);
    return delivery;
  }

  const base = `/${options.hookOwner}/hooks/${options.hookId}/deliveries`;

  function rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(quota === Number.POSITIVE_INFINITY ? 5000 : quota),
      'x-ratelimit-remaining': String(quota === Number.POSITIVE_INFINITY ? 4999 : Math.max(0, quota - used)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(windowEndsAt),
      'x-ratelimit-resource': 'core',
    };
  }

  function list(request: ApiRequest, url: string): ApiResponse {
    const perPage = Math.min(100, Number(request.url.searchParams.get('per_page') ?? '30'));
    const cursor = request.url.searchParams.get('cursor');
    const newestFirst = [...deliveries].sort((a, b) => b.id - a.id);
    const start = cursor === null ? 0 : newestFirst.findIndex((delivery) => `v1_${delivery.id}` === cursor);
    if (start < 0) return { status: 400, body: { message: 'Invalid cursor', documentation_url: DOCS, status: '400' } };
    const page = newestFirst.slice(start, start + perPage);
    const next = newestFirst[start + perPage];
    return {
      status: 200,
      body: page.map(({ request: _q, response: _r, url: _u, ...summary }) => summary),
      headers: next ? { link: `<${url}${base}?per_page=${perPage}&cursor=v1_${next.id}>; rel="next"` } : {},
    };
  }

  const api = await startFakeApi((request) => {
    const token = bearer(request);
    if (token === undefined || !fake.tokens.has(token)) {
      return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    }
    if (Date.now() / 1000 >= windowEndsAt) {
      used = 0;
      windowEndsAt = Math.ceil(Date.now() / 1000) + 1;
    }
    if (used >= quota) {
      return {
        status: 403,
        headers: rateHeaders(),
        body: {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
          status: '403',
        },
      };
    }
    used += 1;
    const respond = (response: ApiResponse): ApiResponse => ({ ...response, headers: { ...rateHeaders(), ...response.headers } });
    const path = request.url.pathname;
    if (request.method === 'GET' && path === base) return respond(list(request, api.url));
    const match = new RegExp(`^${base}/(\\d+)(/attempts)?$`).exec(path);
    const delivery = match ? deliveries.find((candidate) => candidate.id === Number(match[1])) : undefined;
    if (match === null || delivery === undefined) {
      return respond({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
    }
    if (request.method === 'GET' && match[2] === undefined) return respond({ status: 200, body: delivery });
    if (request.method === 'POST' && match[2] !== undefined) {
      if (Date.now() - Date.parse(delivery.delivered_at) > REDELIVERY_WINDOW_MS) {
        return respond({ status: 422, body: { message: 'Validation Failed', documentation_url: DOCS, status: '422' } });
      }
      pending.push(send(delivery.guid, delivery.event, delivery.request.payload, true, new Date()));
      return respond({ status: 202, body: {} });
    }
    return respond({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
  });

  const fake: FakeGitHub = {
    ...api,
    hookOwner: options.hookOwner,
    hookId: options.hookId,
    hookUrl: 'http://127.0.0.1:1/',
    deliveries,
    tokens: new Set(options.tokens),
    limitTo(requests) {
      quota = requests;
      used = 0;
      windowEndsAt = Math.ceil(Date.now() / 1000) + 1;
    },
    emit: (event, payload, at = new Date()) => send(randomUUID(), event, payload, false, at),
    settled: async () => {
      await Promise.all(pending);
    },
  };
  return fake;
}
