import { readFileSync } from 'node:fs';
import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { ConfigError } from './config-error.js';

/** Reads and validates the sources file; throws a ConfigError naming the file and each bad field. */
export function loadSourcesConfig(path: string, env: NodeJS.ProcessEnv): SourcesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the sources file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const result = parseSourcesConfig(text, env);
  if (!result.ok) throw new ConfigError(result.problems.map((problem) => `${path}: ${problem}`));
  return result.config;
}
