import type { Headers } from '../headers.js';
import type { StatusRules } from '../status/transition.js';

/** A secret resolved from the environment; `index` is its position in the source's list. */
export interface Secret {
  readonly index: number;
  readonly value: string;
}

export interface VerifyInput {
  readonly headers: Headers;
  /** The exact bytes received: a re-serialised body never matches a signature. */
  readonly rawBody: Buffer;
  /** The request's query parameters (Apify can only put its secret in the URL). */
  readonly query?: Readonly<Record<string, unknown>>;
  /** The URL the sender addressed, query included (Twilio and Square sign it). */
  readonly url?: string;
  readonly method?: string;
  readonly secrets: readonly Secret[];
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
}

export type VerifyFailure = 'missing_signature' | 'invalid_signature' | 'timestamp_out_of_tolerance';

export type VerifyResult =
  | { readonly ok: true; readonly secretIndex: number }
  | { readonly ok: false; readonly reason: VerifyFailure };

/** A verified delivery with its body parsed: what id and type extraction read. */
export interface ParsedDelivery {
  readonly headers: Headers;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Where an event names the entity it is about and that entity's status (dotted body paths). */
export interface EntityPaths {
  readonly id: string;
  readonly status: string;
}

export interface SignInput {
  readonly secret: string;
  readonly rawBody: Buffer;
  readonly nowSeconds: number;
  /** Used where the provider sends its event id outside the body (a header). */
  readonly eventId: string;
  /** Used where the provider sends its event type in a header (GitHub, Shopify). */
  readonly eventType?: string;
  /** The URL the request is sent to, for senders that sign it. */
  readonly url?: string;
  /** The body's content type: Twilio signs form fields one way and JSON bodies another. */
  readonly contentType?: string;
}

/** What a verified handshake is answered with instead of being stored: JSON, or plain text. */
export type HandshakeReply = Readonly<Record<string, unknown>> | string;

/** What a sender adds to a request so that it verifies. */
export interface SignedRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

/**
 * Remembers the SHA-256 of each raw body for `windowSeconds`, so the same bytes under another
 * event id are a duplicate. `byType` mixes the (unsigned) event type into the key, for senders
 * whose distinct events may carry byte-identical bodies under different types.
 */
export interface ReplayGuard {
  readonly windowSeconds: number;
  readonly byType?: boolean;
}

/**
 * How one kind of sender signs a delivery and names its event: a provider preset. Everything
 * but `verify` and `sign` is a default the source's own configuration may override.
 */
export interface SignatureScheme {
  readonly name: string;
  /** Headers that carry signatures or tokens: never stored, never logged. */
  readonly signatureHeaders: readonly string[];
  /**
   * Seconds a signed timestamp may be off when the source sets none; absent for senders that
   * sign no timestamp, whose replay protection is their event id alone.
   */
  readonly defaultToleranceSeconds?: number;
  /**
   * True when the event id is covered by the signature (in the signed content, or in a signed
   * body). When it is not, a holder of one signed delivery can send it again under a fresh id.
   */
  readonly idSigned: boolean;
  /**
   * The body-hash replay guard a source of this provider gets unless it says otherwise: set for
   * signing schemes whose id is not signed, with the provider's redelivery window.
   */
  readonly defaultReplayGuard?: ReplayGuard;
  verify(input: VerifyInput): VerifyResult;
  /** Signs a body exactly as the sender would: what `hookline sign` and tests use. */
  sign(input: SignInput): SignedRequest;
  /** The sender's own event id, from its headers or body. */
  eventId(delivery: ParsedDelivery): string | undefined;
  /** The sender's event type, from its headers or body. */
  eventType(delivery: ParsedDelivery): string | undefined;
  /**
   * A verified request to answer instead of storing (Slack's url_verification, Zoom's URL
   * validation, Twitch's challenge, Discord's PING); `secret` is the one that verified it.
   */
  handshake?(delivery: ParsedDelivery, secret?: string): HandshakeReply | undefined;
  readonly defaultEntity?: EntityPaths;
  readonly defaultStatuses?: StatusRules;
}
