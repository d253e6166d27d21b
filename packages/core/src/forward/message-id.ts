import { createHash } from 'node:crypto';

/**
 * The `webhook-id` of the message forwarding one event to one destination: the same on
 * every retry and every worker, so the receiver can dedupe on it. An operator's replay
 * passes its own key and so becomes a new message, which the receiver processes again.
 * Legal as a BullMQ job id (no `:`, not all digits), and used as one.
 */
export function forwardMessageId(source: string, eventId: string, url: string, replayKey?: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([source, eventId, url, replayKey ?? null]))
    .digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}
