import type { IncomingEvent } from '@hookline/core';
import { z } from 'zod';

/** The job the ingester enqueues: exactly the verified event. Secrets are never part of it. */
export type EventJob = IncomingEvent;

/** The worker validates every job: one that fails this can never be stored and is not retried. */
export const eventJobSchema = z.object({
  source: z.string().min(1),
  eventId: z.string().min(1),
  eventType: z.string().nullable(),
  entityId: z.string().nullable(),
  status: z.string().nullable(),
  rawBody: z.string(),
  payloadJson: z.string().optional(),
  headers: z.record(z.string(), z.string()),
  receivedAt: z.number().int().positive(),
}) satisfies z.ZodType<EventJob>;
