import { parseSourcesConfig, resolveReconcileCredentials, type SourcesConfig } from '@hookline/core';
import { fileProblems, readSourcesFile } from './read-sources-file.js';

/** Reads and validates the sources file; throws a ConfigError naming the file and each bad field. */
export function loadSourcesConfig(path: string, env: NodeJS.ProcessEnv): SourcesConfig {
  const result = parseSourcesConfig(readSourcesFile(path), env);
  if (!result.ok) throw fileProblems(path, result.problems);
  return result.config;
}

/**
 * The API token of every reconciled source, from the variables the file names; throws a
 * ConfigError naming each one unset. Only the worker reconciles, so only it needs them.
 */
export function loadReconcileCredentials(
  path: string,
  config: SourcesConfig,
  env: NodeJS.ProcessEnv,
): ReadonlyMap<string, string> {
  const result = resolveReconcileCredentials(config, env);
  if (!result.ok) throw fileProblems(path, result.problems);
  return result.credentials;
}
