import { type SendResult, signStandardWebhooks } from '@hookline/core';
import type { TraceCarrier } from '@hookline/queue';

export interface OutgoingMessage {
  readonly url: string;
  readonly secret: string;
  readonly messageId: string;
  readonly body: string;
  readonly timeoutMs: number;
  /** W3C trace context of the attempt: the destination's spans join the event's trace. */
  readonly trace?: TraceCarrier;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `connection error: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
}

/**
 * POSTs one signed message. A fresh timestamp and signature on every attempt; the same
 * `webhook-id` and body, so a receiver dedupes retries. Redirects are not followed: a
 * signed forward goes to the configured URL or nowhere.
 */
export async function sendForward(message: OutgoingMessage): Promise<SendResult & { readonly durationMs: number }> {
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(message.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(message.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Hookline',
        'webhook-id': message.messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhooks(message.secret, message.messageId, timestamp, message.body),
        ...message.trace,
      },
      body: message.body,
    });
    // The status is the answer; the body is not read, only released.
    await response.body?.cancel().catch(() => {});
    const retryAfter = response.headers.get('retry-after');
    return {
      kind: 'response',
      statusCode: response.status,
      ...(retryAfter !== null && { retryAfter }),
      durationMs: elapsed(),
    };
  } catch (error) {
    return { kind: 'error', error: describeFailure(error, message.timeoutMs), durationMs: elapsed() };
  }
}
