/**
 * Reads a dotted path (`data.object.id`) from parsed JSON. Only own properties are
 * followed, so a path such as `constructor.name` cannot reach into prototypes.
 */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A path's value as an identifier: non-empty strings and finite numbers, else undefined. */
export function readIdentifier(value: unknown, path: string): string | undefined {
  const found = readPath(value, path);
  if (typeof found === 'string') return found === '' ? undefined : found;
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return undefined;
}
