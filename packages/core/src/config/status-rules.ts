import { parse as parseYaml } from 'yaml';
import type { StatusRules } from '../status/transition.js';
import { type SourceDefinition, sourcesFileSchema } from './schema.js';
import { formatPath, statusRulesOf } from './sources-config.js';

export type ParseStatusRulesResult =
  | { ok: true; rules: ReadonlyMap<string, StatusRules | undefined> }
  | { ok: false; problems: string[] };

/**
 * Each source's status rules (its own or its provider preset's), read from the sources file
 * without resolving its secrets: what the admin needs to rank an operator override. The admin never verifies a signature, so it
 * is not given the webhook secrets.
 */
export function parseStatusRules(text: string): ParseStatusRulesResult {
  const parsed = parseDefinitions(text);
  if (!parsed.ok) return parsed;
  return { ok: true, rules: new Map(parsed.sources.map((source) => [source.name, statusRulesOf(source)])) };
}

export type ParseReconciledSourcesResult = { ok: true; sources: ReadonlySet<string> } | { ok: false; problems: string[] };

/** The names of the sources with a `reconcile` block, without their secrets: what the admin may ask the worker to reconcile. */
export function parseReconciledSources(text: string): ParseReconciledSourcesResult {
  const parsed = parseDefinitions(text);
  if (!parsed.ok) return parsed;
  return { ok: true, sources: new Set(parsed.sources.flatMap((source) => (source.reconcile ? [source.name] : []))) };
}

function parseDefinitions(text: string): { ok: true; sources: SourceDefinition[] } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { ok: false, problems: [`(file): not valid YAML or JSON: ${(error as Error).message}`] };
  }
  const parsed = sourcesFileSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(file)'}: ${issue.message}`) };
  }
  return { ok: true, sources: parsed.data.sources };
}
