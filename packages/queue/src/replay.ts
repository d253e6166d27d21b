import { randomUUID } from 'node:crypto';
import type { IncomingEvent } from '@hookline/core';
import type { EventQueue } from './event-queue.js';

/**
 * Replays yield to live deliveries: BullMQ takes jobs without a priority (the wait list)
 * before prioritized ones, so replaying a day of events never delays today's.
 */
export const REPLAY_PRIORITY = 10;

/**
 * A new job id for each replay, so a replay never collides with the event's own job (still
 * retained for the edge window). `toJobId` escapes every `%` in an event id, so `<source>/%replay-`
 * can never be produced by a delivery, and the source stays visible in the id.
 */
export function replayJobId(source: string): string {
  return `${source}/%replay-${randomUUID()}`;
}

/** Enqueues a stored event to run through the worker again on purpose, as job `jobId` (from `replayJobId`). */
export async function enqueueReplay(queue: EventQueue, event: IncomingEvent, jobId: string): Promise<void> {
  await queue.add(event.source, { ...event, replay: true }, { jobId, priority: REPLAY_PRIORITY });
}
