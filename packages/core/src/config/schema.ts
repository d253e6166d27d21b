import { z } from 'zod';
import { providerNames } from '../signatures/index.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const path = z.string().regex(/^[^.]+(\.[^.]+)*$/, 'must be a dotted path such as data.object.id');

const statusesSchema = z
  .strictObject({
    ranks: z.record(z.string().min(1), z.number().int().nonnegative()),
    terminal: z.array(z.string()).default([]),
  })
  .superRefine((statuses, ctx) => {
    statuses.terminal.forEach((status, index) => {
      if (!Object.hasOwn(statuses.ranks, status)) {
        ctx.addIssue({ code: 'custom', path: ['terminal', index], message: `status "${status}" has no rank` });
      }
    });
  });

const sourceSchema = z
  .strictObject({
    /** Route segment: POST /webhooks/<name>. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, - or _'),
    provider: z.enum(providerNames),
    /** Names of environment variables holding the secrets; any of them may match (rotation). */
    secrets: z.array(envName).min(1),
    toleranceSeconds: z.number().int().positive().default(300),
    /** Body paths tried, in order, when the provider's own event id is absent. */
    eventIdPaths: z.array(path).default([]),
    eventTypePath: path.default('type'),
    dedupe: z.strictObject({ contentHash: z.boolean().default(false) }).default({ contentHash: false }),
    entity: z.strictObject({ id: path, status: path }).optional(),
    statuses: statusesSchema.optional(),
  })
  .superRefine((source, ctx) => {
    if (source.entity !== undefined && source.statuses === undefined) {
      ctx.addIssue({ code: 'custom', path: ['statuses'], message: 'is required when entity is set' });
    }
  });

export const sourcesFileSchema = z.strictObject({ sources: z.array(sourceSchema).min(1) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.sources.forEach((source, index) => {
    if (seen.has(source.name)) {
      ctx.addIssue({ code: 'custom', path: ['sources', index, 'name'], message: `duplicate source "${source.name}"` });
    }
    seen.add(source.name);
  });
});

export type SourcesFile = z.infer<typeof sourcesFileSchema>;
export type SourceDefinition = SourcesFile['sources'][number];
