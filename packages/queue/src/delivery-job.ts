import { z } from 'zod';

/**
 * One forwarding delivery to make. The row in `forward_deliveries` is the truth; the other
 * fields are here so that Bull Board shows what a job is about. Never a secret.
 */
export interface DeliveryJob {
  readonly deliveryId: number;
  readonly source: string;
  readonly eventId: string;
  readonly destination: string;
}

export const deliveryJobSchema = z.object({
  deliveryId: z.number().int().positive(),
  source: z.string().min(1),
  eventId: z.string().min(1),
  destination: z.string().min(1),
}) satisfies z.ZodType<DeliveryJob>;
