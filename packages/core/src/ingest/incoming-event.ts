/** A verified delivery, as the ingester enqueues it and the worker stores it. */
export interface IncomingEvent {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string | null;
  readonly entityId: string | null;
  readonly status: string | null;
  /** The body exactly as received (valid UTF-8, checked at the edge). */
  readonly rawBody: string;
  /**
   * JSON text stored as `payload` when the raw body is not JSON itself (a form-encoded body,
   * as an object of its fields); absent for JSON bodies, whose raw body is the payload.
   */
  readonly payloadJson?: string;
  /** Request headers with every signature and credential header removed. */
  readonly headers: Readonly<Record<string, string>>;
  /** Epoch milliseconds at which the ingester received the delivery. */
  readonly receivedAt: number;
}
