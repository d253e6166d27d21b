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

/** `*` matches any run of characters; everything else is literal: `payment_intent.*`. */
const eventTypeGlobs = z.array(z.string().min(1)).min(1);

const forwardSchema = z.strictObject({
  /** Where the signed envelope is POSTed. */
  url: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }),
  /** Environment variable holding the Standard Webhooks signing secret (`whsec_<base64>`). */
  secretEnv: envName,
  /** Longest wait for the response status, connection included. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Only events whose type matches one of these globs are forwarded; all when absent. */
  eventTypes: eventTypeGlobs.optional(),
  /** Sends before the delivery is failed for good (the first one included). */
  attempts: z.number().int().min(1).max(100).default(12),
  /** Consecutive failures that open the destination's circuit, and how long it stays open. */
  breaker: z
    .strictObject({
      failures: z.number().int().min(1).default(5),
      cooldownMs: z.number().int().min(100).default(30_000),
    })
    .default({ failures: 5, cooldownMs: 30_000 }),
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
    /** Handler modules run in the event's transaction: paths relative to the sources file. */
    handlers: z.array(z.string().min(1)).default([]),
    /** Destinations that receive a signed copy of every stored event. */
    forward: z.array(forwardSchema).default([]),
  })
  .superRefine((source, ctx) => {
    if (source.entity !== undefined && source.statuses === undefined) {
      ctx.addIssue({ code: 'custom', path: ['statuses'], message: 'is required when entity is set' });
    }
    const urls = new Set<string>();
    source.forward.forEach((destination, index) => {
      // The URL identifies a destination (its deliveries, its breaker): listing it twice would send twice.
      if (urls.has(destination.url)) {
        ctx.addIssue({ code: 'custom', path: ['forward', index, 'url'], message: `duplicate destination "${destination.url}"` });
      }
      urls.add(destination.url);
    });
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
export type ForwardDefinition = SourceDefinition['forward'][number];
