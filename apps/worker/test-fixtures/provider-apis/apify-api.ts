import { type ApiRequest, type ApiResponse, type FakeApi, startFakeApi } from './http-server.js';

/**
 * Apify's run lists as apify/apify-docs' OpenAPI description (`apify-api/openapi/paths/
 * actor-runs/actor-runs.yaml`, `…/actors/acts@{actorId}@runs.yaml`, `components/responses/*`)
 * describes them: `GET /v2/actor-runs` and `GET /v2/acts/{actorId}/runs` (`actorId` an id or
 * `username~actor-name`); `offset`, `limit` (default and maximum 1000), `desc` (`1`/`true`:
 * newest `startedAt` first, else oldest first), `status`; the token as `Authorization: Bearer`
 * or `?token=`; `{"data": {total, offset, limit, desc, count, items: RunShort[]}}`; errors as
 * `{"error": {"type", "message"}}` — 401 `token-not-valid`, 404 `record-not-found`, 429
 * `rate-limit-exceeded`.
 */
export interface RunShort {
  readonly id: string;
  readonly actId: string;
  readonly actorTaskId: string | null;
  status: string;
  readonly startedAt: string;
  finishedAt: string | null;
  readonly buildId: string;
  readonly buildNumber: string;
  readonly meta: { readonly origin: string };
  readonly usageTotalUsd: number;
  readonly defaultKeyValueStoreId: string;
  readonly defaultDatasetId: string;
  readonly defaultRequestQueueId: string;
}

export interface FakeApify extends FakeApi {
  readonly runs: RunShort[];
  readonly tokens: Set<string>;
  /** Actors by id, with the `username~name` the API also accepts. */
  readonly actors: Map<string, string>;
}

const error = (status: number, type: string, message: string): ApiResponse => ({ status, body: { error: { type, message } } });

function token(request: ApiRequest): string | undefined {
  const header = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return header ?? request.url.searchParams.get('token') ?? undefined;
}

function listRuns(runs: readonly RunShort[], request: ApiRequest): ApiResponse {
  const query = request.url.searchParams;
  const offset = Number(query.get('offset') ?? '0');
  const limit = Math.min(1000, Number(query.get('limit') ?? '1000'));
  if (!Number.isFinite(offset) || offset < 0 || !Number.isFinite(limit) || limit < 1) {
    return error(400, 'invalid-parameter', 'Parameter "offset" or "limit" is not valid.');
  }
  const desc = query.get('desc') === '1' || query.get('desc') === 'true';
  const statuses = query.get('status')?.split(',');
  const sorted = runs
    .filter((run) => statuses === undefined || statuses.includes(run.status))
    .sort((a, b) => (desc ? -1 : 1) * (Date.parse(a.startedAt) - Date.parse(b.startedAt)));
  const items = sorted.slice(offset, offset + limit);
  return { status: 200, body: { data: { total: sorted.length, offset, limit, desc, count: items.length, items } } };
}

export async function startFakeApify(tokens: readonly string[]): Promise<FakeApify> {
  const runs: RunShort[] = [];
  const accepted = new Set(tokens);
  const actors = new Map<string, string>();
  const api = await startFakeApi((request) => {
    const given = token(request);
    if (given === undefined || !accepted.has(given)) return error(401, 'token-not-valid', 'Authentication token is not valid.');
    const path = request.url.pathname;
    if (request.method === 'GET' && path === '/v2/actor-runs') return listRuns(runs, request);
    const actor = /^\/v2\/acts\/([^/]+)\/runs$/.exec(path)?.[1];
    if (request.method === 'GET' && actor !== undefined) {
      const name = decodeURIComponent(actor);
      const actId = actors.has(name) ? name : [...actors].find(([, fullName]) => fullName === name)?.[0];
      if (actId === undefined) return error(404, 'record-not-found', 'Actor was not found');
      return listRuns(
        runs.filter((run) => run.actId === actId),
        request,
      );
    }
    return error(404, 'page-not-found', 'This API endpoint was not found');
  });
  return { ...api, runs, tokens: accepted, actors };
}

/** A run as the lists return it. */
export function run(id: string, actId: string, status: string, startedAt: Date, finishedAt: Date | null = null): RunShort {
  return {
    id,
    actId,
    actorTaskId: null,
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    buildId: 'HG7ML7M8z78YcAPEB',
    buildNumber: '0.0.2',
    meta: { origin: 'API' },
    usageTotalUsd: 0.2,
    defaultKeyValueStoreId: `kvs-${id}`,
    defaultDatasetId: `ds-${id}`,
    defaultRequestQueueId: `rq-${id}`,
  };
}
