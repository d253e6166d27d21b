/** What a retention pass removes: payload (a body), event (a whole event row), and what follows an event. */
export type RemovedKind = 'payload' | 'event' | 'forward_delivery' | 'forward_attempt' | 'operator_action';

export interface Removal {
  /** The event's source; '' for audit rows about no source. */
  readonly source: string;
  readonly table: string;
  readonly kind: RemovedKind;
  readonly rows: number;
}

export interface RetentionReport {
  /** False when another pass held the lock: it does the work, this one did nothing. */
  readonly ran: boolean;
  /** Counts what would go; nothing was changed. */
  readonly dryRun: boolean;
  readonly now: Date;
  /** One entry per source, table and kind that lost rows (or would), by source then table. */
  readonly removed: readonly Removal[];
  readonly partitions: {
    readonly created: string[];
    readonly dropped: string[];
    /** Partition DDL left to the next pass: its lock was not granted in time, or the default partition holds that day. */
    readonly deferred: string[];
  };
}
