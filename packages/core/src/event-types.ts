/** Tests an event type against globs: `*` matches any run of characters, everything else is literal. */
export type EventTypeMatcher = (eventType: string | null) => boolean;

/**
 * Whether `text` matches `glob`. The literal parts between stars must appear in order: the first
 * at the start, the last at the end, the others each at the leftmost place after the one before.
 * Taking the leftmost place is never wrong for `*`-only globs, so nothing is retried and the time
 * is linear in the text (a regular expression of several `.*` backtracks polynomially instead).
 */
function matchesGlob(parts: readonly string[], text: string): boolean {
  const first = parts[0] ?? '';
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * A matcher for `patterns`; no patterns means every event matches. An event without a
 * type matches only then, since no glob can name it.
 */
export function matchEventTypes(patterns: readonly string[] | undefined): EventTypeMatcher {
  if (patterns === undefined) return () => true;
  const globs = patterns.map((pattern) => pattern.split('*'));
  return (eventType) => eventType !== null && globs.some((parts) => matchesGlob(parts, eventType));
}
