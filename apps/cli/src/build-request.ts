import type { SourceConfig } from '@hookline/core';

export interface RequestOptions {
  /** The event id to send where the provider carries it outside the body. */
  readonly eventId: string;
  /** The event type to send where the provider carries it in a header (GitHub, Shopify). */
  readonly eventType?: string;
  readonly contentType: string;
  /** Which of the source's secrets to sign with (0: the first, as a sender would after rotation). */
  readonly secretIndex: number;
  /** Signs with this instead of the configured secret: a public-key sender's private key. */
  readonly signingKey?: string;
  readonly nowSeconds: number;
  /** Where the ingester is: senders that sign the URL (Twilio, Square) sign the one posted to. */
  readonly baseUrl: string;
}

export interface SignedDelivery {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The request a source's provider would send for `rawBody`, signed with the configured secret. */
export function buildRequest(source: SourceConfig, rawBody: Buffer, options: RequestOptions): SignedDelivery {
  const secret = source.secrets.find((candidate) => candidate.index === options.secretIndex);
  if (secret === undefined) throw new Error(`source "${source.name}" has no secret #${options.secretIndex}`);
  const path = `/webhooks/${source.name}`;
  const signed = source.scheme.sign({
    secret: options.signingKey ?? secret.value,
    rawBody,
    nowSeconds: options.nowSeconds,
    eventId: options.eventId,
    ...(options.eventType !== undefined && { eventType: options.eventType }),
    url: source.url ?? new URL(path, options.baseUrl).href,
    contentType: options.contentType,
  });
  const query = signed.query ? `?${new URLSearchParams(signed.query)}` : '';
  return {
    path: `${path}${query}`,
    headers: { 'content-type': options.contentType, ...signed.headers },
  };
}
