import escapeHtml from 'escape-html';

/** Markup that is already safe: made by `html`, never from a string a sender or user chose. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * The explorer's only way to make markup: every interpolated value is escaped (event ids,
 * headers and payloads come from senders) unless it is itself the result of `html`.
 * Attributes must be quoted in the template, so an escaped value cannot leave them.
 */
export function html(strings: TemplateStringsArray, ...values: readonly Value[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}
