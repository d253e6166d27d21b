import { HttpError, transitionOutcomes } from '@hookline/core';
import type { EventSummary } from '@hookline/db';
import { z } from 'zod';

export const errorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .describe('The contract error shape');

export const eventSummary = z.object({
  id: z.number().int().describe('Row id: the keyset cursor orders by it'),
  source: z.string(),
  eventId: z.string(),
  eventType: z.string().nullable(),
  entityId: z.string().nullable(),
  status: z.string().nullable(),
  transition: z.enum(transitionOutcomes).nullable().describe('Null while the event has not been processed'),
  receivedAt: z.string().describe('ISO 8601, when the ingester received the delivery'),
  processedAt: z.string().nullable().describe('ISO 8601, when its effects were committed; null until then'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  pruned: z
    .literal(true)
    .optional()
    .describe('Present on an event past its payload horizon: payload, raw body and headers are gone, the event is kept'),
});

export function toSummary(row: EventSummary): z.infer<typeof eventSummary> {
  return {
    id: row.id,
    source: row.source,
    eventId: row.eventId,
    eventType: row.eventType,
    entityId: row.entityId,
    status: row.status,
    transition: row.transition as z.infer<typeof eventSummary>['transition'],
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
    attempts: row.attempts,
    lastError: row.lastError,
    ...(row.pruned && { pruned: true as const }),
  };
}

/** Cursors are opaque to clients: base64url of the last row id of the previous page. */
export function encodeCursor(id: number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^id:([1-9][0-9]{0,17})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new HttpError(400, 'invalid_cursor', 'the cursor is not one this API returned');
  return Number(match[1]);
}

export function assertWritable(readOnly: boolean): void {
  if (readOnly) throw new HttpError(403, 'read_only', 'this admin runs in read-only mode');
}
