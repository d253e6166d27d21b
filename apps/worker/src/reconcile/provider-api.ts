import { judgeRateLimit, quotaResetWaitMs } from '@hookline/core';

/** How a run ended: the `outcome` label of `hookline_reconcile_runs_total`. */
export type RunOutcome = 'succeeded' | 'unauthorized' | 'rate_limited' | 'unavailable' | 'failed';

/** A run stops with this; `outcome` says why, the message says what the provider answered. */
export class ReconcileError extends Error {
  constructor(
    readonly outcome: Exclude<RunOutcome, 'succeeded'>,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ProviderResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface ProviderApiOptions {
  /** The provider's name, for messages. */
  readonly provider: string;
  /** Sent on every request; the one place the credential goes. */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** The longest the run waits out one rate limit; a longer one ends the run (`rate_limited`). */
  readonly maxRateLimitWaitMs?: number;
  /** Rate-limited answers to one request before the run gives up. */
  readonly maxRateLimitRetries?: number;
  readonly timeoutMs?: number;
}

export interface ProviderApi {
  get(url: string): Promise<ProviderResponse>;
  post(url: string): Promise<ProviderResponse>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the provider said went wrong: Stripe's and Apify's `error.message`, GitHub's `message`. */
function providerMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body !== '' ? body.slice(0, 300) : undefined;
  const record = body as { error?: { message?: unknown }; message?: unknown };
  const message = record.error?.message ?? record.message;
  return typeof message === 'string' ? message : undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A provider's REST API as a reconciliation uses it: JSON, its credential on every request,
 * rate limits waited out as the provider asks (`Retry-After`, `x-ratelimit-remaining` and
 * `x-ratelimit-reset`), and every failure turned into the run's outcome: 401/403 →
 * `unauthorized`, 5xx or no answer → `unavailable`, anything else unexpected → `failed`.
 */
export function createProviderApi(options: ProviderApiOptions): ProviderApi {
  const fetchImpl = options.fetch ?? fetch;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const maxWaitMs = options.maxRateLimitWaitMs ?? 120_000;
  const maxRetries = options.maxRateLimitRetries ?? 5;
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Set when a response says the quota is spent: the next request waits for its reset.
  let quotaResetAt: number | undefined;

  async function waitOut(ms: number, why: string): Promise<void> {
    if (ms > maxWaitMs) {
      throw new ReconcileError(
        'rate_limited',
        `${options.provider} asked to wait ${Math.ceil(ms / 1000)} s (${why}); the next run goes on`,
      );
    }
    await sleep(ms);
  }

  async function send(method: 'GET' | 'POST', url: string): Promise<ProviderResponse> {
    for (let attempt = 0; ; attempt++) {
      if (quotaResetAt !== undefined && quotaResetAt > now()) await waitOut(quotaResetAt - now(), 'rate limit quota spent');
      quotaResetAt = undefined;
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method,
          headers: { accept: 'application/json', ...options.headers },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new ReconcileError('unavailable', `${options.provider} did not answer: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const body = await readBody(response);
      const header = (name: string) => response.headers.get(name);
      const reset = quotaResetWaitMs(header, now());
      if (reset !== undefined) quotaResetAt = now() + reset;
      const limit = judgeRateLimit(response.status, header, now());
      if (limit.limited) {
        if (attempt >= maxRetries)
          throw new ReconcileError('rate_limited', `${options.provider} kept answering ${response.status}`);
        quotaResetAt = undefined;
        await waitOut(limit.waitMs ?? 1000 * 2 ** attempt, `${response.status} ${providerMessage(body) ?? ''}`.trim());
        continue;
      }
      if (response.ok) return { status: response.status, body, headers: response.headers };
      const said = providerMessage(body) ?? response.statusText;
      if (response.status === 401 || response.status === 403) {
        throw new ReconcileError('unauthorized', `${options.provider} refused the credential (${response.status}): ${said}`);
      }
      if (response.status >= 500)
        throw new ReconcileError('unavailable', `${options.provider} answered ${response.status}: ${said}`);
      throw new ReconcileError(
        'failed',
        `${options.provider} answered ${response.status} to ${method} ${new URL(url).pathname}: ${said}`,
      );
    }
  }

  return { get: (url) => send('GET', url), post: (url) => send('POST', url) };
}
