import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

/** The sources file's text; a file that cannot be read is a ConfigError naming it. */
export function readSourcesFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the sources file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

/** Each problem of a parse, prefixed with the file it came from. */
export function fileProblems(path: string, problems: readonly string[]): ConfigError {
  return new ConfigError(problems.map((problem) => `${path}: ${problem}`));
}
