import { transitionOutcomes } from '@hookline/core';
import { type EventFilter, processingOutcomes } from '@hookline/db';
import { z } from 'zod';

/** What events can be searched by: the JSON API's query and the explorer's search form alike. */
export const eventFilterQuery = z.strictObject({
  source: z.string().min(1).optional(),
  type: z.string().min(1).optional().describe('Event type'),
  entity: z.string().min(1).optional().describe('Entity id'),
  status: z.string().min(1).optional().describe('The status the event carried'),
  transition: z.enum(transitionOutcomes).optional(),
  outcome: z
    .enum(processingOutcomes)
    .optional()
    .describe('processed; failing (not processed, last attempt failed); pending (not processed, no failure yet)'),
  since: z.iso.datetime({ offset: true }).optional().describe('Received at or after (ISO 8601)'),
  until: z.iso.datetime({ offset: true }).optional().describe('Received before (ISO 8601)'),
});

export type EventFilterQuery = z.infer<typeof eventFilterQuery>;

export function toEventFilter(query: EventFilterQuery): EventFilter {
  return {
    ...(query.source !== undefined && { source: query.source }),
    ...(query.type !== undefined && { eventType: query.type }),
    ...(query.entity !== undefined && { entityId: query.entity }),
    ...(query.status !== undefined && { status: query.status }),
    ...(query.transition !== undefined && { transition: query.transition }),
    ...(query.outcome !== undefined && { outcome: query.outcome }),
    ...(query.since !== undefined && { since: new Date(query.since) }),
    ...(query.until !== undefined && { until: new Date(query.until) }),
  };
}
