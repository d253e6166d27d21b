import { readStats, STATS_BUCKET_SECONDS, type StatsCounts } from '@hookline/queue';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminServices } from '../services.js';

const windowStats = z.object({
  received: z.number().int().describe('Deliveries the ingester answered, whatever the answer'),
  accepted: z.number().int().describe('Deliveries enqueued as new'),
  duplicatesAtEdge: z.number().int().describe('Deliveries answered `duplicate` by the ingester'),
  rejected: z.number().int().describe('Deliveries refused (signature, body, size, 503 …)'),
  stored: z.number().int().describe('Events stored by the worker'),
  duplicatesInDatabase: z.number().int().describe('Jobs the worker found already stored'),
  replayed: z.number().int(),
  failedAttempts: z.number().int().describe('Processing attempts that failed (each retry counts)'),
  transitions: z.record(z.string(), z.number().int()).describe('Stored and replayed events by transition'),
});

type WindowStats = z.infer<typeof windowStats>;

function summarise(counts: StatsCounts): WindowStats {
  const { ingest, processed, transition } = counts;
  const received = Object.values(ingest).reduce((total, value) => total + value, 0);
  const accepted = ingest.accepted ?? 0;
  const duplicatesAtEdge = ingest.duplicate ?? 0;
  return {
    received,
    accepted,
    duplicatesAtEdge,
    rejected: received - accepted - duplicatesAtEdge,
    stored: processed.stored ?? 0,
    duplicatesInDatabase: processed.duplicate ?? 0,
    replayed: processed.replayed ?? 0,
    failedAttempts: processed.failed ?? 0,
    transitions: { ...transition },
  };
}

/** `GET /api/stats`: per source, last hour and last day, from the counters every process publishes. */
export const statsRoutes: FastifyPluginAsyncZod<AdminServices> = async (app, services) => {
  app.get(
    '/api/stats',
    {
      schema: {
        summary: 'Per-source delivery and processing counts over the last hour and the last day',
        description: `Counted in ${STATS_BUCKET_SECONDS / 60}-minute buckets, so "last hour" covers 60 to 65 minutes. Deliveries to unknown sources appear under "unknown".`,
        response: {
          200: z.object({
            bucketSeconds: z.number().int(),
            sources: z.record(z.string(), z.object({ lastHour: windowStats, lastDay: windowStats })),
          }),
        },
      },
    },
    async () => {
      const totals = await readStats(services.connection, services.queuePrefix);
      const sources: Record<string, { lastHour: WindowStats; lastDay: WindowStats }> = {};
      for (const [source, windows] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
        sources[source] = { lastHour: summarise(windows.lastHour), lastDay: summarise(windows.lastDay) };
      }
      return { bucketSeconds: STATS_BUCKET_SECONDS, sources };
    },
  );
};
