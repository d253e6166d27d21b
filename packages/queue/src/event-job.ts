import type { IncomingEvent } from '@hookline/core';
import { z } from 'zod';

/**
 * The job the ingester enqueues: exactly the verified event. Secrets are never part of it.
 * `replay` marks a job an operator asked for: the worker then re-runs an already processed
 * event on purpose instead of answering `duplicate`.
 */
export type EventJob = IncomingEvent & { readonly replay?: boolean };

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
  replay: z.boolean().optional(),
}) satisfies z.ZodType<EventJob>;
