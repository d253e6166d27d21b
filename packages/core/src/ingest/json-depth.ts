/**
 * Deepest nesting a body may have. Postgres's jsonb parser recurses and refuses bodies
 * nested some thousands deep (stack depth limit exceeded), and JSON.stringify overflows
 * the stack near the same depth: such a body could never be stored, so it is refused at
 * the edge. Real senders stay far below this.
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when `text` holds at most `limit` opening brackets, strings included. */
function opensAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let index = text.indexOf(bracket); index >= 0; index = text.indexOf(bracket, index + 1)) {
      if (++count > limit) return false;
    }
  }
  return true;
}

/**
 * True when the JSON text nests objects and arrays deeper than `limit`. One pass over the
 * text, stopping at the first level too deep, so a hostile body costs no more than reading it.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  // Most bodies open fewer brackets than the limit: counting them (native search) settles it
  // without the character walk, which the ingester's profile showed at ~3 % of its CPU.
  if (opensAtMost(text, limit)) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
