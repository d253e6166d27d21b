import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { fileProblems, readSourcesFile } from './read-sources-file.js';

/** Reads and validates the sources file; throws a ConfigError naming the file and each bad field. */
export function loadSourcesConfig(path: string, env: NodeJS.ProcessEnv): SourcesConfig {
  const result = parseSourcesConfig(readSourcesFile(path), env);
  if (!result.ok) throw fileProblems(path, result.problems);
  return result.config;
}
