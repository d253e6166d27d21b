import type { Headers } from '../headers.js';

/** A secret resolved from the environment; `index` is its position in the source's list. */
export interface Secret {
  readonly index: number;
  readonly value: string;
}

export interface VerifyInput {
  readonly headers: Headers;
  /** The exact bytes received: a re-serialised body never matches a signature. */
  readonly rawBody: Buffer;
  readonly secrets: readonly Secret[];
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
}

export type VerifyFailure = 'missing_signature' | 'invalid_signature' | 'timestamp_out_of_tolerance';

export type VerifyResult =
  | { readonly ok: true; readonly secretIndex: number }
  | { readonly ok: false; readonly reason: VerifyFailure };

/** How one kind of sender signs a delivery and names its event. */
export interface SignatureScheme {
  readonly name: string;
  /** Headers that carry signatures: never stored, never logged. */
  readonly signatureHeaders: readonly string[];
  /** Header that carries the sender's own event id, when the scheme has one. */
  readonly eventIdHeader?: string;
  verify(input: VerifyInput): VerifyResult;
}
