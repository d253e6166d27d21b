import { parseReconciledSources, parseStatusRules, type StatusRules } from '@hookline/core';
import { fileProblems, readSourcesFile } from './read-sources-file.js';

/** Reads each source's status rules from the sources file, without its secrets; throws a ConfigError naming each bad field. */
export function loadStatusRules(path: string): ReadonlyMap<string, StatusRules | undefined> {
  const result = parseStatusRules(readSourcesFile(path));
  if (!result.ok) throw fileProblems(path, result.problems);
  return result.rules;
}

/** The sources with a `reconcile` block, read without secrets; throws a ConfigError naming each bad field. */
export function loadReconciledSources(path: string): ReadonlySet<string> {
  const result = parseReconciledSources(readSourcesFile(path));
  if (!result.ok) throw fileProblems(path, result.problems);
  return result.sources;
}
