import { createHash, timingSafeEqual } from 'node:crypto';

/** An admin token and the name the audit trail records for whoever uses it. */
export interface NamedToken {
  readonly name: string;
  readonly token: string;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_TOKEN_LENGTH = 16;

/** The name `HOOKLINE_ADMIN_TOKEN` is recorded under. */
export const DEFAULT_TOKEN_NAME = 'admin';

/** Parses `alice:<token>,bob:<token>` (a token is everything after the first `:`). */
export function parseNamedTokens(value: string): { ok: true; tokens: NamedToken[] } | { ok: false; problem: string } {
  const tokens: NamedToken[] = [];
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const separator = entry.indexOf(':');
    const name = entry.slice(0, separator);
    const token = entry.slice(separator + 1);
    if (separator < 1 || !NAME.test(name)) {
      return { ok: false, problem: 'each entry must be <name>:<token>, the name made of letters, digits, . _ -' };
    }
    if (token.length < MIN_TOKEN_LENGTH) return { ok: false, problem: `the token of "${name}" is shorter than 16 characters` };
    if (name === DEFAULT_TOKEN_NAME || tokens.some((other) => other.name === name)) {
      return { ok: false, problem: `the name "${name}" is used twice` };
    }
    tokens.push({ name, token });
  }
  return { ok: true, tokens };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Finds who holds `presented`. Digests make every comparison the same length, so
 * `timingSafeEqual` applies, and every token is compared: the time taken says nothing.
 */
export function createTokenMatcher(tokens: readonly NamedToken[]): (presented: string) => string | undefined {
  const known = tokens.map(({ name, token }) => ({ name, digest: digest(token) }));
  return (presented) => {
    const candidate = digest(presented);
    let found: string | undefined;
    for (const { name, digest: expected } of known) {
      if (timingSafeEqual(candidate, expected) && found === undefined) found = name;
    }
    return found;
  };
}
