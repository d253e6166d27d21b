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

/** A source's status ladder: higher rank is further along; terminal statuses never change. */
export interface StatusRules {
  readonly ranks: Readonly<Record<string, number>>;
  readonly terminal: readonly string[];
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

/** Names the outcome of offering `next` to an entity whose stored status is `current`. */
export function classifyTransition(current: EntityStatus | undefined, next: EntityStatus): TransitionOutcome {
  if (movesForward(current, next)) return 'applied';
  if (current === undefined || current.status === next.status) return 'unchanged';
  return current.terminal ? 'terminal' : 'stale';
}
