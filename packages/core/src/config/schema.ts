import { z } from 'zod';
import { providerNames, schemeFor } from '../signatures/index.js';
import { hmacSpecSchema } from '../signatures/spec/hmac-spec.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const path = z.string().regex(/^[^.]+(\.[^.]+)*$/, 'must be a dotted path such as data.object.id');
const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name');

const reopenRuleSchema = z.strictObject({
  /** Events of these types may reopen the entity. */
  eventTypes: z.array(z.string().min(1)).min(1),
  /** The statuses they may move it out of; defaults to the terminal statuses. */
  from: z.array(z.string()).optional(),
});

const statusesSchema = z
  .strictObject({
    ranks: z.record(z.string().min(1), z.number().int().nonnegative()),
    terminal: z.array(z.string()).default([]),
    reopen: z.array(reopenRuleSchema).optional(),
  })
  .superRefine((statuses, ctx) => {
    const checkRanked = (status: string, at: (string | number)[]) => {
      if (!Object.hasOwn(statuses.ranks, status)) {
        ctx.addIssue({ code: 'custom', path: at, message: `status "${status}" has no rank` });
      }
    };
    statuses.terminal.forEach((status, index) => {
      checkRanked(status, ['terminal', index]);
    });
    statuses.reopen?.forEach((rule, ruleIndex) => {
      rule.from?.forEach((status, index) => {
        checkRanked(status, ['reopen', ruleIndex, 'from', index]);
      });
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

/** Providers whose own API lists what they sent: the ones a source may reconcile against. */
export const reconcilableProviders = ['stripe', 'github', 'apify'] as const;

/** Where each provider's API is, unless the source says otherwise (tests, proxies, GitHub Enterprise). */
export const defaultReconcileBaseUrls = {
  stripe: 'https://api.stripe.com',
  github: 'https://api.github.com',
  apify: 'https://api.apify.com',
} as const satisfies Record<(typeof reconcilableProviders)[number], string>;

/** Stripe keeps events listable for 30 days. */
const STRIPE_EVENT_WINDOW_HOURS = 30 * 24;

const reconcileSchema = z.strictObject({
  /** Environment variable holding the API token; the token itself is never in the file. */
  credentialEnv: envName,
  /** The provider's API root; defaults per provider. */
  baseUrl: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }).optional(),
  intervalSeconds: z.number().int().min(10).max(86_400).default(300),
  /** How far back the first run looks; later runs start from their cursor. */
  lookbackHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72),
  /** stripe: only these event types (at most 20, as Stripe's `types` filter allows). */
  types: z.array(z.string().min(1)).min(1).max(20).optional(),
  /** github: the repository (`owner/repo`) whose webhook this is… */
  repository: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/repo')
    .optional(),
  /** …or the organization. */
  organization: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an organization login')
    .optional(),
  /** github: the webhook's id (Settings → Webhooks → the hook's URL ends with it). */
  hookId: z.number().int().positive().optional(),
  /** apify: only the runs of these actors (ids or `username~actor-name`); all the account's runs when absent. */
  actors: z
    .array(z.string().regex(/^[A-Za-z0-9~._-]+$/, 'must be an actor id or username~actor-name'))
    .min(1)
    .optional(),
});

type ReconcileDefinition = z.infer<typeof reconcileSchema>;

/** Issues for fields that belong to another provider, or that this provider needs. */
function reconcileProblems(provider: string, reconcile: ReconcileDefinition): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const onlyFor = (field: keyof ReconcileDefinition, owner: string) => {
    if (reconcile[field] !== undefined && provider !== owner)
      problems.push({ path: field, message: `applies only to provider ${owner}` });
  };
  onlyFor('types', 'stripe');
  onlyFor('repository', 'github');
  onlyFor('organization', 'github');
  onlyFor('hookId', 'github');
  onlyFor('actors', 'apify');
  if (provider === 'github') {
    if ((reconcile.repository === undefined) === (reconcile.organization === undefined)) {
      problems.push({ path: 'repository', message: 'name exactly one of repository (owner/repo) or organization' });
    }
    if (reconcile.hookId === undefined) problems.push({ path: 'hookId', message: 'is required for provider github' });
  }
  if (provider === 'stripe' && reconcile.lookbackHours > STRIPE_EVENT_WINDOW_HOURS) {
    problems.push({
      path: 'lookbackHours',
      message: `Stripe lists events of the last 30 days only (at most ${STRIPE_EVENT_WINDOW_HOURS})`,
    });
  }
  return problems;
}
/** Shortest event horizon: longer than every preset's retry window (Stripe 3 days, Shopify 48 h, Apify ~32 h, GitHub 3 days). */
export const MIN_EVENT_DAYS = 7;

const retentionSchema = z
  .strictObject({
    /** Days an event keeps its payload, raw body and headers; the row and its dedupe key stay. */
    payloadDays: z.number().int().min(1).max(3650).optional(),
    /** Days an event is kept at all; a redelivery after it is stored again. */
    eventDays: z.number().int().min(MIN_EVENT_DAYS).max(3650).optional(),
  })
  .superRefine((retention, ctx) => {
    if (retention.payloadDays !== undefined && retention.eventDays !== undefined && retention.eventDays < retention.payloadDays) {
      ctx.addIssue({ code: 'custom', path: ['eventDays'], message: `must be at least payloadDays (${retention.payloadDays})` });
    }
  });

const sourceSchema = z
  .strictObject({
    /** Route segment: POST /webhooks/<name>. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, - or _'),
    provider: z.enum(providerNames),
    /** `custom` only: the signature scheme, described (see docs/providers.md). */
    scheme: hmacSpecSchema.optional(),
    /** Names of environment variables holding the secrets; any of them may match (rotation). */
    secrets: z.array(envName).min(1),
    /** Defaults to the provider's (300 s for every provider that signs a timestamp). */
    toleranceSeconds: z.number().int().positive().optional(),
    /** Body paths tried, in order, when the provider's own event id is absent. */
    eventIdPaths: z.array(path).default([]),
    /** Overrides where the provider's event type is read from. */
    eventTypePath: path.optional(),
    dedupe: z
      .strictObject({
        contentHash: z.boolean().default(false),
        /** With contentHash: identical bodies collapse only within the same window of this many seconds. */
        windowSeconds: z.number().int().positive().optional(),
      })
      .default({ contentHash: false }),
    /**
     * The body-hash replay guard: `false` turns it off, `{ windowSeconds }` sets how long a body
     * is remembered. On by default for providers whose event id is not signed.
     */
    replayGuard: z
      .union([
        z.literal(false),
        z.strictObject({
          windowSeconds: z
            .number()
            .int()
            .positive()
            .max(30 * 24 * 3600),
        }),
      ])
      .optional(),
    /** The public URL the sender posts to, for senders that sign it (Twilio, Square); else rebuilt from the request. */
    url: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }).optional(),
    /** Apify only: the header that carries the shared token. */
    tokenHeader: headerName.optional(),
    entity: z.strictObject({ id: path, status: path }).optional(),
    statuses: statusesSchema.optional(),
    /** Handler modules run in the event's transaction: paths relative to the sources file. */
    handlers: z.array(z.string().min(1)).default([]),
    /** Destinations that receive a signed copy of every stored event. */
    forward: z.array(forwardSchema).default([]),
    /** Pull what the sender gave up on from the provider's own API (stripe, github, apify). */
    reconcile: reconcileSchema.optional(),
    /** Deliveries accepted per window from this source, per ingester process; off when absent. */
    rateLimit: z
      .strictObject({
        max: z.number().int().positive(),
        windowSeconds: z.number().int().positive().default(1),
      })
      .optional(),
    /** Per-source horizons; each one left out takes the environment's default. */
    retention: retentionSchema.optional(),
  })
  .superRefine((source, ctx) => {
    if ((source.provider === 'custom') !== (source.scheme !== undefined)) {
      const message = source.provider === 'custom' ? 'is required with provider custom' : 'applies only to provider custom';
      ctx.addIssue({ code: 'custom', path: ['scheme'], message });
      return;
    }
    // A description with problems of its own has reported them already; there is no scheme to check against.
    if (source.scheme !== undefined && !hmacSpecSchema.safeParse(source.scheme).success) return;
    const scheme = schemeFor(source.provider, { scheme: source.scheme });
    if (source.entity !== undefined && source.statuses === undefined && scheme.defaultStatuses === undefined) {
      ctx.addIssue({ code: 'custom', path: ['statuses'], message: 'is required when entity is set' });
    }
    if (source.toleranceSeconds !== undefined && scheme.defaultToleranceSeconds === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['toleranceSeconds'],
        message: `${source.provider} signs no timestamp, so there is no tolerance to set`,
      });
    }
    if (source.tokenHeader !== undefined && source.provider !== 'apify') {
      ctx.addIssue({ code: 'custom', path: ['tokenHeader'], message: 'applies only to provider apify' });
    }
    if (source.dedupe.windowSeconds !== undefined && !source.dedupe.contentHash) {
      ctx.addIssue({ code: 'custom', path: ['dedupe', 'windowSeconds'], message: 'applies only with contentHash: true' });
    }
    if (source.reconcile !== undefined) {
      if (!(reconcilableProviders as readonly string[]).includes(source.provider)) {
        ctx.addIssue({
          code: 'custom',
          path: ['reconcile'],
          message: `provider ${source.provider} has no API to reconcile against (only ${reconcilableProviders.join(', ')})`,
        });
      }
      for (const problem of reconcileProblems(source.provider, source.reconcile)) {
        ctx.addIssue({ code: 'custom', path: ['reconcile', problem.path], message: problem.message });
      }
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
export type ReconcilableProvider = (typeof reconcilableProviders)[number];
