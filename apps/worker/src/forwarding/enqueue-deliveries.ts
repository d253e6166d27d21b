import type { SourcesConfig } from '@hookline/core';
import { type Database, listPendingDeliveries, type PendingDelivery } from '@hookline/db';
import { type DeliveryQueue, enqueueDeliveries } from '@hookline/queue';
import { findDestination } from './destinations.js';

export interface DeliveryEnqueuer {
  /**
   * Enqueues the event's pending deliveries, after its transaction committed. Called on
   * every run of the event's job, duplicates included: if a worker died between commit
   * and enqueue, the retried job finds the event processed and enqueues what it missed.
   */
  enqueueForEvent(event: { readonly source: string; readonly eventId: string }): Promise<void>;
  /** Enqueues deliveries found some other way (the sweeper). */
  enqueue(deliveries: readonly PendingDelivery[]): Promise<void>;
}

export function createDeliveryEnqueuer(deps: { db: Database; config: SourcesConfig; queue: DeliveryQueue }): DeliveryEnqueuer {
  async function enqueue(deliveries: readonly PendingDelivery[]): Promise<void> {
    await enqueueDeliveries(
      deps.queue,
      deliveries.map((delivery) => ({
        deliveryId: delivery.id,
        messageId: delivery.messageId,
        source: delivery.source,
        eventId: delivery.eventId,
        destination: delivery.destination,
        // A destination removed from the config gets one run, which fails the delivery and says why.
        attempts: findDestination(deps.config, delivery.source, delivery.destination)?.attempts ?? 1,
      })),
    );
  }
  return {
    enqueue,
    async enqueueForEvent(event) {
      if ((deps.config.sources.get(event.source)?.forward.length ?? 0) === 0) return;
      await enqueue(await listPendingDeliveries(deps.db, event));
    },
  };
}
