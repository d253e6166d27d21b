import { jobBody, signedDelivery } from '@hookline/e2e/harness';
import { sleep } from './ports.js';

/** What one HTTP attempt got: a status code, or how the connection failed. */
export type Outcome = number | 'refused' | 'reset' | 'timeout';

export interface Attempt {
  readonly eventId: string;
  readonly outcome: Outcome;
  /** `error.code` of an error body, `status` of a 200 body. */
  readonly code: string | undefined;
  readonly retryAfter: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
}

function connectionFailure(error: unknown): Outcome {
  const name = (error as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' ? 'refused' : 'reset';
}

/** POSTs one signed `jobs` delivery over real HTTP, as a sender would. */
export async function deliver(
  baseUrl: string,
  eventId: string,
  body = jobBody(`entity-${eventId}`, 'running'),
): Promise<Attempt> {
  const request = signedDelivery(eventId, body);
  const startedAt = Date.now();
  try {
    const response = await fetch(`${baseUrl}${request.url}`, {
      method: request.method,
      headers: request.headers,
      body: request.payload,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let code: string | undefined;
    try {
      const parsed = JSON.parse(text) as { status?: string; error?: { code?: string } };
      code = parsed.error?.code ?? parsed.status;
    } catch {
      code = undefined;
    }
    return {
      eventId,
      outcome: response.status,
      code,
      retryAfter: response.headers.get('retry-after'),
      startedAt,
      finishedAt: Date.now(),
    };
  } catch (error) {
    return { eventId, outcome: connectionFailure(error), code: undefined, retryAfter: null, startedAt, finishedAt: Date.now() };
  }
}

export interface StreamOptions {
  readonly baseUrl: string;
  /** Event ids are `<idPrefix>-<sender>-<n>`. */
  readonly idPrefix: string;
  /** Senders working concurrently, each one delivery at a time. */
  readonly senders: number;
  /** Each sender's pause between two deliveries. */
  readonly pauseMs?: number;
  /**
   * Set: a delivery not answered 200 is sent again after this pause until it is (a real
   * sender honours Retry-After; tests scale it down). Unset: each attempt is a new event.
   */
  readonly retryDelayMs?: number;
}

/** A steady stream of deliveries from several senders. */
export interface Stream {
  readonly attempts: readonly Attempt[];
  /** Event ids answered 200. */
  readonly acknowledged: ReadonlySet<string>;
  /** Event ids sent at least once. */
  readonly sent: ReadonlySet<string>;
  /** Starts no new delivery; resolves once each sender is done with its current one (re-sent until 200 when retrying). */
  stop(): Promise<void>;
}

/** Set by `abandonStreams`: every sender stops at once, answered or not. */
const running = new Set<{ abandoned: boolean }>();

/** For afterEach: a test that failed mid-stream must not leave senders retrying in the background. */
export function abandonStreams(): void {
  for (const stream of running) stream.abandoned = true;
  running.clear();
}

export function startStream(options: StreamOptions): Stream {
  const attempts: Attempt[] = [];
  const acknowledged = new Set<string>();
  const sent = new Set<string>();
  const state = { abandoned: false };
  running.add(state);
  let stopping = false;

  async function runSender(sender: number): Promise<void> {
    for (let n = 0; !stopping && !state.abandoned; n++) {
      const eventId = `${options.idPrefix}-${sender}-${n}`;
      while (!state.abandoned) {
        sent.add(eventId);
        const attempt = await deliver(options.baseUrl, eventId);
        attempts.push(attempt);
        if (attempt.outcome === 200) {
          acknowledged.add(eventId);
          break;
        }
        if (options.retryDelayMs === undefined) break;
        await sleep(options.retryDelayMs);
      }
      if (options.pauseMs !== undefined) await sleep(options.pauseMs);
    }
  }

  const senders = Array.from({ length: options.senders }, (_, sender) => runSender(sender));
  return {
    attempts,
    acknowledged,
    sent,
    async stop() {
      stopping = true;
      await Promise.all(senders);
      running.delete(state);
    },
  };
}

/** Counts attempts by outcome, e.g. `{ '200': 812, '503': 40, refused: 3 }`, for assertions and reports. */
export function countOutcomes(attempts: readonly Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of attempts) counts[String(outcome)] = (counts[String(outcome)] ?? 0) + 1;
  return counts;
}
