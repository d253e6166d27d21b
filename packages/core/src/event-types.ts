/** Tests an event type against globs: `*` matches any run of characters, everything else is literal. */
export type EventTypeMatcher = (eventType: string | null) => boolean;

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * A matcher for `patterns`; no patterns means every event matches. An event without a
 * type matches only then, since no glob can name it.
 */
export function matchEventTypes(patterns: readonly string[] | undefined): EventTypeMatcher {
  if (patterns === undefined) return () => true;
  const expressions = patterns.map(globToRegExp);
  return (eventType) => eventType !== null && expressions.some((expression) => expression.test(eventType));
}
