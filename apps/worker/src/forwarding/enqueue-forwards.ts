import type { SourcesConfig } from '@hookline/core';
import { type Database, listPendingForwards, type PendingForward } from '@hookline/db';
import { enqueueForwards, type ForwardQueue, type TraceCarrier } from '@hookline/queue';
import { findDestination } from './destinations.js';

export interface ForwardEnqueuer {
  /**
   * Enqueues the event's pending forwards, after its transaction committed. Called on
   * every run of the event's job, duplicates included: if a worker died between commit
   * and enqueue, the retried job finds the event processed and enqueues what it missed.
   */
  enqueueForEvent(event: { readonly source: string; readonly eventId: string }, trace?: TraceCarrier): Promise<void>;
  /** Enqueues forwards found some other way (the sweeper). */
  enqueue(forwards: readonly PendingForward[]): Promise<void>;
}

export function createForwardEnqueuer(deps: { db: Database; config: SourcesConfig; queue: ForwardQueue }): ForwardEnqueuer {
  async function enqueue(forwards: readonly PendingForward[], trace?: TraceCarrier): Promise<void> {
    await enqueueForwards(
      deps.queue,
      forwards.map((forward) => ({
        forwardId: forward.id,
        messageId: forward.messageId,
        source: forward.source,
        eventId: forward.eventId,
        destination: forward.destination,
        // A destination removed from the config gets one run, which fails the forward and says why.
        attempts: findDestination(deps.config, forward.source, forward.destination)?.attempts ?? 1,
        // Each attempt's span joins the event's trace.
        ...(trace !== undefined && { trace }),
      })),
    );
  }
  return {
    enqueue: (forwards) => enqueue(forwards),
    async enqueueForEvent(event, trace) {
      if ((deps.config.sources.get(event.source)?.forward.length ?? 0) === 0) return;
      await enqueue(await listPendingForwards(deps.db, event), trace);
    },
  };
}
