import { createHash } from 'node:crypto';

const MAX_JOB_ID_LENGTH = 256;

/**
 * The BullMQ job id for (source, event id): the edge dedupe key. BullMQ rejects ids with
 * `:` and ids made only of digits; `/` after the source name rules out the latter, and
 * escaping `%` and `:` keeps the mapping one-to-one. Over-long ids are hashed behind
 * `%23`, which escaping can never produce.
 */
export function toJobId(source: string, eventId: string): string {
  const escaped = eventId.replaceAll('%', '%25').replaceAll(':', '%3A');
  const id = `${source}/${escaped}`;
  if (id.length <= MAX_JOB_ID_LENGTH) return id;
  return `${source}/%23${createHash('sha256').update(eventId).digest('hex')}`;
}
