import { readStorageFigures } from '@hookline/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminServices } from '../services.js';

const storageFigures = z.object({
  tables: z
    .array(z.object({ table: z.string(), bytes: z.number().int().describe('Heap, indexes and TOAST; every partition') }))
    .describe('Each table Hookline writes'),
  bodyPartitions: z.number().int().describe('Partitions of webhook_event_bodies, the default one included'),
  sources: z.array(
    z.object({
      source: z.string(),
      events: z.number().int().describe('Stored events (payload pruned or not)'),
      estimated: z.boolean().describe('True when `events` comes from planner statistics (a large table)'),
      oldestReceivedAt: z.string().nullable().describe('ISO 8601: the oldest event kept'),
    }),
  ),
  lastPass: z
    .object({ finishedAt: z.string(), ranFor: z.string().describe('The clock the pass was given') })
    .nullable()
    .describe('The last retention pass that ran to the end; null before the first'),
});

/** `/api/storage`: what Postgres holds, per table and per source, and when retention last ran. */
export const storageRoutes: FastifyPluginAsyncZod<AdminServices> = async (app, services) => {
  app.get(
    '/api/storage',
    {
      schema: {
        summary: 'Size per table, events and oldest event per source, last retention pass',
        response: { 200: storageFigures },
      },
    },
    async () => {
      const figures = await readStorageFigures(services.db);
      return {
        tables: figures.tables.map(({ table, bytes }) => ({ table, bytes })),
        bodyPartitions: figures.bodyPartitions,
        sources: figures.sources.map((source) => ({
          ...source,
          oldestReceivedAt: source.oldestReceivedAt?.toISOString() ?? null,
        })),
        lastPass: figures.lastPass && {
          finishedAt: figures.lastPass.finishedAt.toISOString(),
          ranFor: figures.lastPass.ranFor.toISOString(),
        },
      };
    },
  );
};
