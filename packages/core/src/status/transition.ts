/** What an event did to its entity's status, stored in `webhook_events.transition`. */
export const transitionOutcomes = [
  'applied',
  'unchanged',
  'stale',
  'terminal',
  'reopened',
  'unknown_status',
  'none',
  'override',
] as const;

export type TransitionOutcome = (typeof transitionOutcomes)[number];

/**
 * Lets events of the given types move an entity out of one of the `from` statuses to whatever
 * status the event carries, even backwards or out of a terminal status: for senders whose
 * objects really do go back (a resurrected Apify run, a failed Stripe payment).
 */
export interface ReopenRule {
  readonly eventTypes: readonly string[];
  readonly from: readonly string[];
}

/** A source's status ladder: higher rank is further along; terminal statuses never change except by a reopen rule. */
export interface StatusRules {
  readonly ranks: Readonly<Record<string, number>>;
  readonly terminal: readonly string[];
  readonly reopen?: readonly ReopenRule[];
}

/** An entity's status as stored. */
export interface EntityStatus {
  readonly status: string;
  readonly rank: number;
  readonly terminal: boolean;
}

/** Ranks a status from an event; undefined when the source does not know it. */
export function rankStatus(rules: StatusRules, status: string): EntityStatus | undefined {
  if (!Object.hasOwn(rules.ranks, status)) return undefined;
  const rank = rules.ranks[status];
  if (rank === undefined) return undefined;
  return { status, rank, terminal: rules.terminal.includes(status) };
}

/**
 * Whether `next` may replace `current`: the forward-only rule. The database applies the
 * same rule in the WHERE of its upsert, so concurrent workers cannot race it.
 */
export function movesForward(current: EntityStatus | undefined, next: EntityStatus): boolean {
  return current === undefined || (!current.terminal && current.rank < next.rank);
}

/** The statuses an event of `eventType` may reopen: empty for all but a reopen rule's event types. */
export function reopenableStatuses(rules: StatusRules, eventType: string | null): readonly string[] {
  if (eventType === null || rules.reopen === undefined) return [];
  return [...new Set(rules.reopen.filter((rule) => rule.eventTypes.includes(eventType)).flatMap((rule) => rule.from))];
}

/**
 * Whether a reopening event moves `current` to `next`: only out of a reopenable status, and
 * only to a different one. The database applies the same rule in the WHERE of its update.
 */
export function reopens(current: EntityStatus | undefined, next: EntityStatus, reopenable: readonly string[]): boolean {
  return current !== undefined && current.status !== next.status && reopenable.includes(current.status);
}

/**
 * Names the outcome of offering `next` to an entity whose stored status is `current`.
 * `reopenable` lists the statuses this event may reopen (see `reopenableStatuses`); the
 * forward rule is tried first, so a reopen rule never changes what would apply anyway.
 */
export function classifyTransition(
  current: EntityStatus | undefined,
  next: EntityStatus,
  reopenable: readonly string[] = [],
): TransitionOutcome {
  if (movesForward(current, next)) return 'applied';
  if (current === undefined || current.status === next.status) return 'unchanged';
  if (reopens(current, next, reopenable)) return 'reopened';
  return current.terminal ? 'terminal' : 'stale';
}
