import { z } from 'zod';
import { type TraceCarrier, traceCarrierSchema } from './event-job.js';

/**
 * One forward to send (an event to one destination). The row in `forward_deliveries` is the truth; the other
 * fields are here so that Bull Board shows what a job is about. Never a secret.
 */
export interface ForwardJob {
  readonly forwardId: number;
  readonly source: string;
  readonly eventId: string;
  readonly destination: string;
  /** The trace of the event it forwards, when tracing is on. */
  readonly trace?: TraceCarrier;
}

const forwardJob = z.object({
  forwardId: z.number().int().positive(),
  source: z.string().min(1),
  eventId: z.string().min(1),
  destination: z.string().min(1),
  trace: traceCarrierSchema.optional(),
}) satisfies z.ZodType<ForwardJob>;

/** Jobs added before outbound names became `forward*` carry `deliveryId`: they are read the same way. */
export const forwardJobSchema = z.preprocess(
  (data) =>
    typeof data === 'object' && data !== null && !('forwardId' in data) && 'deliveryId' in data
      ? { ...data, forwardId: data.deliveryId }
      : data,
  forwardJob,
);
