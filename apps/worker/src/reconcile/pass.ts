import type { ReconcileSettings, RecoveredDelivery, SourceConfig, StoredEntity } from '@hookline/core';
import type { ProviderApi } from './provider-api.js';

/** What a run counted so far; reported even when the run stops half-way. */
export interface Tally {
  /** Items the provider listed (events, delivery attempts, runs). */
  scanned: number;
  /** Events found missing from Hookline: the number an operator wants at zero. */
  missing: number;
  /** Of those, the ones enqueued here (a redelivery arrives through the ingester instead). */
  recovered: number;
  /** GitHub: deliveries GitHub was asked to send again. */
  redelivered: number;
}

/** One reconciliation pass over one source, as a provider's reconciler sees it. */
export interface Pass {
  readonly source: SourceConfig;
  readonly settings: ReconcileSettings;
  readonly api: ProviderApi;
  /** Epoch ms: what the provider reported before this is settled already. */
  readonly since: number;
  readonly now: () => number;
  readonly tally: Tally;
  storedEntities(entityIds: readonly string[]): Promise<Map<string, StoredEntity>>;
  knownEventIds(eventIds: readonly string[]): Promise<Set<string>>;
  /** Enqueues the deliveries whose events Hookline does not have, as the ingester would. */
  ingest(deliveries: readonly RecoveredDelivery[]): Promise<void>;
}

/** A provider's reconciler: one pass, returning how far it settled (epoch ms). */
export type Reconciler = (pass: Pass) => Promise<number>;
