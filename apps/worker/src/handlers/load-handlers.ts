import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type EventTypeMatcher, matchEventTypes, type SourcesConfig } from '@hookline/core';
import { type Handler, isHandler } from '@hookline/handler';
import { ConfigError } from '@hookline/runtime';

/** A handler module, loaded, with the path the sources file gives for it. */
export interface LoadedHandler {
  readonly path: string;
  readonly handler: Handler;
  readonly matches: EventTypeMatcher;
}

/** Each source's handlers, in the order the sources file lists them. */
export type HandlerRegistry = ReadonlyMap<string, readonly LoadedHandler[]>;

export const noHandlers: HandlerRegistry = new Map();

/** Builds a registry from handlers already in memory (tests, and embedding Hookline). */
export function handlerRegistry(entries: Record<string, readonly { path: string; handler: Handler }[]>): HandlerRegistry {
  return new Map(
    Object.entries(entries).map(([source, handlers]) => [
      source,
      handlers.map(({ path, handler }) => ({ path, handler, matches: matchEventTypes(handler.eventTypes) })),
    ]),
  );
}

async function loadOne(path: string, baseDir: string): Promise<Handler | string> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `cannot load ${file}: ${code === 'ERR_MODULE_NOT_FOUND' ? 'module not found' : (error as Error).message}`;
  }
  if (!isHandler(module.default)) return `${file} does not default-export defineHandler({ handle })`;
  return module.default;
}

/**
 * Imports every source's handler modules, at start-up. Paths are relative to the sources
 * file's directory. Throws a ConfigError naming the source and path of every module that
 * is missing or does not default-export a handler, so the worker never starts half-equipped.
 */
export async function loadHandlers(config: SourcesConfig, baseDir: string): Promise<HandlerRegistry> {
  const problems: string[] = [];
  const registry = new Map<string, LoadedHandler[]>();
  let sourceIndex = 0;
  for (const source of config.sources.values()) {
    const loaded: LoadedHandler[] = [];
    for (const [index, path] of source.handlers.entries()) {
      const handler = await loadOne(path, baseDir);
      if (typeof handler === 'string') {
        problems.push(`sources[${sourceIndex}].handlers[${index}] (source "${source.name}", handler ${path}): ${handler}`);
      } else {
        loaded.push({ path, handler, matches: matchEventTypes(handler.eventTypes) });
      }
    }
    if (loaded.length > 0) registry.set(source.name, loaded);
    sourceIndex++;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return registry;
}
