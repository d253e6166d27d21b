import { parse as parseYaml } from 'yaml';
import type { StatusRules } from '../status/transition.js';
import { sourcesFileSchema } from './schema.js';
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
  return { ok: true, rules: new Map(parsed.data.sources.map((source) => [source.name, statusRulesOf(source)])) };
}
