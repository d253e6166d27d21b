import { type Headers, headerValue } from '../../headers.js';
import { readIdentifier } from '../../json-path.js';
import type { ParsedDelivery } from '../scheme.js';

/**
 * Where a value is read: `header:<name>` or `body:<dotted path>`; several joined by `+` make one
 * value of their parts separated by `:` (`body:event+body:payload.uri`).
 */
export type Locator = string;

const ONE = String.raw`(header:[A-Za-z0-9-]+|body:[^.+]+(\.[^.+]+)*)`;
/** One locator, or several joined by `+`. */
export const LOCATOR_PATTERN = new RegExp(`^${ONE}(\\+${ONE})*$`);

interface Part {
  readonly from: 'header' | 'body';
  readonly name: string;
}

function parts(locator: Locator): Part[] {
  return locator.split('+').map((part) => {
    const colon = part.indexOf(':');
    const from = part.slice(0, colon) === 'header' ? 'header' : 'body';
    return { from, name: from === 'header' ? part.slice(colon + 1).toLowerCase() : part.slice(colon + 1) };
  });
}

/** The header a plain `header:` locator names; undefined for body and joined locators. */
export function headerOf(locator: Locator | undefined): string | undefined {
  if (locator === undefined) return undefined;
  const [first, ...rest] = parts(locator);
  return first?.from === 'header' && rest.length === 0 ? first.name : undefined;
}

/** True when every part is read from the body. */
export function readsBodyOnly(locator: Locator): boolean {
  return parts(locator).every((part) => part.from === 'body');
}

function readPart(part: Part, headers: Headers, body: unknown): string | undefined {
  return part.from === 'header' ? headerValue(headers, part.name) : readIdentifier(body, part.name);
}

/** The value at a locator; undefined when any part is missing. */
export function readLocator(
  locator: Locator,
  delivery: { readonly headers: Headers; readonly body?: unknown },
): string | undefined {
  const values: string[] = [];
  for (const part of parts(locator)) {
    const value = readPart(part, delivery.headers, delivery.body);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values.join(':');
}

/** The first of several locators that finds a value. */
export function readFirst(locators: readonly Locator[] | undefined, delivery: ParsedDelivery): string | undefined {
  for (const locator of locators ?? []) {
    const value = readLocator(locator, delivery);
    if (value !== undefined) return value;
  }
  return undefined;
}
