/** The port the outbox dispatcher sends through; the Teams layer implements it with proactive messages. */
export interface Messenger {
  /** Sends a new message; resolves to the id Teams gave it. */
  send(reference: Record<string, unknown>, card: Record<string, unknown>, summary: string): Promise<string>;
  /** Replaces a message sent earlier (e.g. a sign-off card once decided). */
  update(reference: Record<string, unknown>, activityId: string, card: Record<string, unknown>): Promise<void>;
}

/** A delivery the channel refused: `status` is the HTTP status, `retryAfterMs` from its Retry-After header. */
export class DeliveryError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null,
    message: string,
  ) {
    super(message);
  }
}
