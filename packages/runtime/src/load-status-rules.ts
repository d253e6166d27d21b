import { readFileSync } from 'node:fs';
import { parseStatusRules, type StatusRules } from '@hookline/core';
import { ConfigError } from './config-error.js';

/** Reads each source's status rules from the sources file, without its secrets; throws a ConfigError naming each bad field. */
export function loadStatusRules(path: string): ReadonlyMap<string, StatusRules | undefined> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the sources file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const result = parseStatusRules(text);
  if (!result.ok) throw new ConfigError(result.problems.map((problem) => `${path}: ${problem}`));
  return result.rules;
}
