import type { Shutdown } from './lifecycle.js';
import type { Logger } from './logger.js';

/** A way Redis could lose acknowledged events, as `@hookline/queue` reports it. */
export interface DurabilityFinding {
  readonly evicts: boolean;
  readonly message: string;
}

export interface DurabilityPolicyOptions {
  readonly log: Logger;
  readonly shutdown: Shutdown;
  /** Stop the role, rather than warn, when Redis may evict queued events. */
  readonly requireNoEviction: boolean;
}

/**
 * What a role does with Redis's durability findings: logs each loudly, and stops the role
 * when eviction is possible and the operator asked for that to be refused.
 */
export function durabilityPolicy(options: DurabilityPolicyOptions) {
  const { log } = options;
  return {
    onProblems(findings: readonly DurabilityFinding[]) {
      for (const finding of findings) {
        if (finding.evicts && options.requireNoEviction) {
          options.shutdown.abort(new Error(`${finding.message} (HOOKLINE_REQUIRE_NOEVICTION is set)`));
          return;
        }
        log.error({ evicts: finding.evicts }, `REDIS CAN LOSE ACKNOWLEDGED EVENTS: ${finding.message}`);
      }
    },
    onError(error: Error) {
      log.warn({ err: error.message }, 'could not read Redis durability settings; checked again on reconnection');
    },
  };
}
