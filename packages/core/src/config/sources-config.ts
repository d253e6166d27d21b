import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { ReconcileSettings, ReconcileTarget } from '../reconcile/settings.js';
import type { EntityPaths, ReplayGuard, Secret, SignatureScheme } from '../signatures/index.js';
import { isStandardWebhooksSecret, schemeFor } from '../signatures/index.js';
import type { StatusRules } from '../status/transition.js';
import { defaultReconcileBaseUrls, type ForwardDefinition, type SourceDefinition, sourcesFileSchema } from './schema.js';

/** A forwarding destination with its signing secret resolved. */
export interface ForwardDestination {
  readonly url: string;
  /** The Standard Webhooks secret (`whsec_<base64>`) the envelope is signed with. */
  readonly secret: string;
  readonly timeoutMs: number;
  readonly eventTypes?: readonly string[];
  readonly attempts: number;
  readonly breaker: { readonly failures: number; readonly cooldownMs: number };
}

/** A source ready to verify deliveries: its definition with secrets resolved and scheme chosen. */
export interface SourceConfig {
  readonly name: string;
  readonly scheme: SignatureScheme;
  readonly secrets: readonly Secret[];
  readonly toleranceSeconds: number;
  readonly eventIdPaths: readonly string[];
  /** The public URL the sender posts to, when the source sets it (for senders that sign it). */
  readonly url?: string;
  /** Set when the source overrides where the provider's event type is read from. */
  readonly eventTypePath?: string;
  /** Content-hash event ids: off, or on with an optional time window (seconds) mixed in. */
  readonly contentHashDedupe: false | { readonly windowSeconds?: number };
  /** Remembers each raw body for a window so it is not stored again under a fresh id; or off. */
  readonly replayGuard: false | ReplayGuard;
  readonly entity?: EntityPaths;
  readonly statuses?: StatusRules;
  /** Handler module paths as written in the file (relative to it unless absolute). */
  readonly handlers: readonly string[];
  readonly forward: readonly ForwardDestination[];
  /** At most `max` deliveries per `windowSeconds` (per ingester process); the rest get 429. */
  readonly rateLimit?: { readonly max: number; readonly windowSeconds: number };
  /** Set when the source is reconciled against its provider's API. */
  readonly reconcile?: ReconcileSettings;
  /** The horizons the source sets itself; the rest come from the defaults (`resolveRetention`). */
  readonly retention?: { readonly payloadDays?: number; readonly eventDays?: number };
}

export interface SourcesConfig {
  readonly sources: ReadonlyMap<string, SourceConfig>;
}

export type ParseConfigResult = { ok: true; config: SourcesConfig } | { ok: false; problems: string[] };

/** `['sources', 1, 'secrets', 0]` → `sources[1].secrets[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`)).join('');
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path) || '(file)'}: ${issue.message}`);
}

/** Providers whose secrets are Standard Webhooks keys, checked like forwarding secrets. */
const KEYED_PROVIDERS: ReadonlySet<string> = new Set(['standard-webhooks', 'svix']);

const STANDARD_WEBHOOKS_SECRET_FORM =
  'must hold a Standard Webhooks secret: base64 of at least 16 key bytes, optionally behind whsec_';

function resolveSource(definition: SourceDefinition, index: number, env: NodeJS.ProcessEnv, problems: string[]): SourceConfig {
  const secrets: Secret[] = [];
  const keyed = KEYED_PROVIDERS.has(definition.provider);
  definition.secrets.forEach((name, secretIndex) => {
    // Trimmed: a trailing newline from `echo secret > file` must not silently break every signature.
    const value = env[name]?.trim();
    if (value === undefined || value === '') {
      problems.push(`sources[${index}].secrets[${secretIndex}]: env var ${name} is not set`);
    } else if (keyed && !isStandardWebhooksSecret(value)) {
      problems.push(`sources[${index}].secrets[${secretIndex}]: env var ${name} ${STANDARD_WEBHOOKS_SECRET_FORM}`);
    } else {
      secrets.push({ index: secretIndex, value });
    }
  });
  const scheme = schemeFor(definition.provider, { tokenHeader: definition.tokenHeader, scheme: definition.scheme });
  const entity = definition.entity ?? scheme.defaultEntity;
  const statuses = statusRulesOf(definition);
  const { contentHash, windowSeconds } = definition.dedupe;
  const forward = definition.forward.flatMap((destination, destinationIndex) => {
    const resolved = resolveDestination(destination, env);
    if (typeof resolved === 'string') problems.push(`sources[${index}].forward[${destinationIndex}].secretEnv: ${resolved}`);
    return typeof resolved === 'string' ? [] : [resolved];
  });
  return {
    name: definition.name,
    scheme,
    secrets,
    // Providers that sign no timestamp never read it.
    toleranceSeconds: definition.toleranceSeconds ?? scheme.defaultToleranceSeconds ?? 0,
    eventIdPaths: definition.eventIdPaths,
    ...(definition.url !== undefined && { url: definition.url }),
    ...(definition.eventTypePath !== undefined && { eventTypePath: definition.eventTypePath }),
    contentHashDedupe: contentHash ? { ...(windowSeconds !== undefined && { windowSeconds }) } : false,
    replayGuard: replayGuardOf(definition.replayGuard, scheme),
    ...(entity && { entity }),
    ...(statuses && { statuses }),
    handlers: definition.handlers,
    forward,
    ...(definition.rateLimit && { rateLimit: definition.rateLimit }),
    ...(definition.reconcile && { reconcile: reconcileSettings(definition, definition.reconcile) }),
    ...(definition.retention && { retention: definition.retention }),
  };
}

/** The source's own setting over its provider's default; a window set on a guarded provider keeps its keying. */
function replayGuardOf(setting: SourceDefinition['replayGuard'], scheme: SignatureScheme): false | ReplayGuard {
  if (setting === false) return false;
  if (setting === undefined) return scheme.defaultReplayGuard ?? false;
  return { ...scheme.defaultReplayGuard, windowSeconds: setting.windowSeconds };
}

/** The schema has already checked that the provider is reconcilable and its fields are there. */
function reconcileTarget(
  provider: SourceDefinition['provider'],
  reconcile: NonNullable<SourceDefinition['reconcile']>,
): ReconcileTarget {
  if (provider === 'github') {
    const hookOwner = reconcile.repository !== undefined ? `repos/${reconcile.repository}` : `orgs/${reconcile.organization}`;
    return { provider: 'github', hookOwner, hookId: reconcile.hookId ?? 0 };
  }
  if (provider === 'apify') return { provider: 'apify', ...(reconcile.actors && { actors: reconcile.actors }) };
  return { provider: 'stripe', ...(reconcile.types && { types: reconcile.types }) };
}

function reconcileSettings(
  definition: SourceDefinition,
  reconcile: NonNullable<SourceDefinition['reconcile']>,
): ReconcileSettings {
  const target = reconcileTarget(definition.provider, reconcile);
  return {
    credentialEnv: reconcile.credentialEnv,
    baseUrl: (reconcile.baseUrl ?? defaultReconcileBaseUrls[target.provider]).replace(/\/+$/, ''),
    intervalSeconds: reconcile.intervalSeconds,
    lookbackHours: reconcile.lookbackHours,
    target,
  };
}

export type ReconcileCredentialsResult =
  | { readonly ok: true; readonly credentials: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly problems: string[] };

/**
 * The API token of every reconciled source, read from the variable its `reconcile` block
 * names. Only the role that reconciles (the worker) needs them, so only it resolves them.
 */
export function resolveReconcileCredentials(config: SourcesConfig, env: NodeJS.ProcessEnv): ReconcileCredentialsResult {
  const credentials = new Map<string, string>();
  const problems: string[] = [];
  [...config.sources.values()].forEach((source, index) => {
    if (source.reconcile === undefined) return;
    const value = env[source.reconcile.credentialEnv]?.trim();
    if (value === undefined || value === '') {
      problems.push(`sources[${index}].reconcile.credentialEnv: env var ${source.reconcile.credentialEnv} is not set`);
    } else {
      credentials.set(source.name, value);
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, credentials };
}

/** A reopen rule without `from` reopens the terminal statuses. */
function resolveStatuses(statuses: NonNullable<SourceDefinition['statuses']>): StatusRules {
  const { reopen, ...rest } = statuses;
  if (reopen === undefined) return rest;
  return { ...rest, reopen: reopen.map((rule) => ({ eventTypes: rule.eventTypes, from: rule.from ?? statuses.terminal })) };
}

function resolveDestination(definition: ForwardDefinition, env: NodeJS.ProcessEnv): ForwardDestination | string {
  const secret = env[definition.secretEnv]?.trim();
  if (secret === undefined || secret === '') return `env var ${definition.secretEnv} is not set`;
  if (!isStandardWebhooksSecret(secret)) return `env var ${definition.secretEnv} ${STANDARD_WEBHOOKS_SECRET_FORM}`;
  const { secretEnv: _name, ...settings } = definition;
  return { ...settings, secret };
}

/** A source's status rules: its own, else its provider's preset; undefined when it tracks no status. */
export function statusRulesOf(definition: SourceDefinition): StatusRules | undefined {
  if (definition.statuses) return resolveStatuses(definition.statuses);
  return schemeFor(definition.provider, { tokenHeader: definition.tokenHeader, scheme: definition.scheme }).defaultStatuses;
}

/** Validates a parsed sources file and resolves each source's secrets from `env`. */
export function resolveSourcesConfig(raw: unknown, env: NodeJS.ProcessEnv): ParseConfigResult {
  const parsed = sourcesFileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error) };
  const problems: string[] = [];
  const sources = new Map(
    parsed.data.sources.map((definition, index) => [definition.name, resolveSource(definition, index, env, problems)]),
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: { sources } };
}

/** Parses the text of a sources file (YAML, of which JSON is a subset) and resolves it. */
export function parseSourcesConfig(text: string, env: NodeJS.ProcessEnv): ParseConfigResult {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { ok: false, problems: [`(file): not valid YAML or JSON: ${(error as Error).message}`] };
  }
  return resolveSourcesConfig(raw, env);
}
