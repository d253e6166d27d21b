/** The values a signed-content template is filled with. */
export interface ContentValues {
  readonly id: string;
  readonly timestamp: string;
  readonly body: Buffer;
  readonly url: string;
  readonly method: string;
}

type Piece = { readonly literal: string } | { readonly value: keyof ContentValues };

const PLACEHOLDER = /^\{(id|timestamp|body|url|method)\}$/;

/** `'{id}.{timestamp}.{body}'` → the literal text and placeholders in order. */
export function compileTemplate(template: string): readonly Piece[] {
  return template
    .split(/(\{(?:id|timestamp|body|url|method)\})/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      const name = PLACEHOLDER.exec(piece)?.[1] as keyof ContentValues | undefined;
      return name === undefined ? { literal: piece } : { value: name };
    });
}

/** The bytes a template describes: the body is used as received, never re-encoded. */
export function fillTemplate(pieces: readonly Piece[], values: ContentValues): Buffer {
  return Buffer.concat(
    pieces.map((piece) => {
      if ('literal' in piece) return Buffer.from(piece.literal);
      const value = values[piece.value];
      return typeof value === 'string' ? Buffer.from(value) : value;
    }),
  );
}

/** True when the template uses the placeholder. */
export function uses(pieces: readonly Piece[], name: keyof ContentValues): boolean {
  return pieces.some((piece) => 'value' in piece && piece.value === name);
}
