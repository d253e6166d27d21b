import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** What Hookline forwards: the stored event, its entity's status after it, and the original payload. */
export interface HooklineEnvelope {
  readonly eventId: string;
  readonly source: string;
  readonly type: string | null;
  readonly entityId: string | null;
  readonly status: string | null;
  readonly transition: string;
  readonly receivedAt: string;
  readonly replay: boolean;
  readonly payload: unknown;
}

export interface OrderServiceOptions {
  /** The Standard Webhooks secret Hookline signs with (`secretEnv` of the forward destination). */
  readonly secret: string;
  /** The service's own work; throwing answers 500 and Hookline retries the same message. */
  readonly handle: (envelope: HooklineEnvelope, messageId: string) => Promise<void> | void;
  /** How many processed message ids to remember for deduplication. */
  readonly remember?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A downstream service receiving Hookline's forwards. It verifies the signature on the raw
 * body with the `standardwebhooks` package and processes each `webhook-id` once: Hookline
 * sends a message again after a timeout or a crash, always with the same id.
 *
 * The processed ids live in memory here, which is enough to show the protocol. A real service
 * writes the id with a unique key in the same database transaction as its effect, so the
 * dedupe survives restarts and holds across replicas.
 */
export function createOrderService(options: OrderServiceOptions): Server {
  const webhook = new Webhook(options.secret);
  const remember = options.remember ?? 10_000;
  const processed = new Set<string>();
  const inFlight = new Set<string>();

  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/webhooks/hookline') return res.writeHead(404).end();
    const body = await readBody(req);
    let envelope: HooklineEnvelope;
    try {
      envelope = webhook.verify(body, req.headers as Record<string, string>) as HooklineEnvelope;
    } catch {
      // Missing headers, a wrong signature, a stale timestamp: nothing of it is trusted.
      return res.writeHead(401).end();
    }
    const messageId = req.headers['webhook-id'] as string;
    if (processed.has(messageId)) return res.writeHead(200).end('{"status":"duplicate"}');
    // The same message arriving while it is being processed: ask for a retry, do not run it twice.
    if (inFlight.has(messageId)) return res.writeHead(503, { 'retry-after': '1' }).end();
    inFlight.add(messageId);
    try {
      await options.handle(envelope, messageId);
      processed.add(messageId);
      if (processed.size > remember) processed.delete(processed.values().next().value as string);
      res.writeHead(200).end('{"status":"processed"}');
    } catch {
      res.writeHead(500).end();
    } finally {
      inFlight.delete(messageId);
    }
  });
}
