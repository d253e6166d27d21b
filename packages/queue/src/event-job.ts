import type { IncomingEvent } from '@hookline/core';
import { z } from 'zod';

/**
 * The job the ingester enqueues: exactly the verified event. Secrets are never part of it.
 * An operator's replay enqueues the stored event again with `replay: true`, which runs its
 * handlers and forwards it again even though it is already processed.
 */
export type EventJob = IncomingEvent & { readonly replay?: boolean; readonly trace?: TraceCarrier };

/** W3C trace context carried from one process to the next in job data, when tracing is on. */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

export const traceCarrierSchema = z.object({
  traceparent: z.string().max(256),
  tracestate: z.string().max(1024).optional(),
}) satisfies z.ZodType<TraceCarrier>;

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
  trace: traceCarrierSchema.optional(),
}) satisfies z.ZodType<EventJob>;
