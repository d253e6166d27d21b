import type { EventJob } from '@hookline/queue';
import { type BatchItem, processBatch } from './process-batch.js';
import type { EventRun, ProcessDeps, ProcessOutcome } from './process-event.js';

export interface BatcherOptions {
  /** Most events stored in one transaction. */
  readonly maxBatch: number;
  /** Longest an event waits for others to share its transaction. */
  readonly maxWaitMs: number;
}

interface Waiting extends BatchItem {
  resolve(outcome: ProcessOutcome): void;
  reject(error: unknown): void;
}

/**
 * Gathers the events of concurrently active jobs into shared transactions. Each job's
 * promise settles only after its own batch has committed (or failed), so BullMQ still
 * completes, retries or fails every job on its own.
 */
export function createBatcher(deps: ProcessDeps, options: BatcherOptions) {
  let waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    void processBatch(deps, batch).then((results) => {
      results.forEach((result, index) => {
        const item = batch[index] as Waiting;
        if (result.status === 'fulfilled') item.resolve(result.value);
        else item.reject(result.reason);
      });
    });
  }

  return {
    submit(event: EventJob, run: EventRun): Promise<ProcessOutcome> {
      return new Promise<ProcessOutcome>((resolve, reject) => {
        waiting.push({ event, run, resolve, reject });
        if (waiting.length >= options.maxBatch) flush();
        else timer ??= setTimeout(flush, options.maxWaitMs);
      });
    },
  };
}

export type Batcher = ReturnType<typeof createBatcher>;
