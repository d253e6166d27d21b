/** What a load run reports back to the orchestrator (latencies in milliseconds). */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** Connection errors, timeouts and non-2xx answers. */
  readonly errors: number;
  /** CPU the load generator itself used while sending (user + system), in microseconds. */
  readonly cpuMicros: number;
  /** Open loop only: how late the generator sent, after each request's due time (p99, ms). */
  readonly lateP99?: number;
  /** Open loop only: the p99 of each second of the run, by when requests were due. */
  readonly p99BySecond?: readonly number[];
  /** Open loop only: the generator's own event-loop delay (p99, ms). */
  readonly loopDelayP99?: number;
  /** Open loop only: the errors by kind (`503 queue_unavailable`, `UND_ERR_SOCKET`, …). */
  readonly errorKinds?: Readonly<Record<string, number>>;
  /** Open loop only: deliveries sent before measuring, to warm up, and how many of them failed. */
  readonly warmUp?: { readonly requests: number; readonly errors: number };
  /** Open loop only: wall-clock time the measured run started (epoch ms). */
  readonly measuredFromEpochMs?: number;
}

/** Runs in a load child: prints the result as the last line of stdout. */
export function report(result: LoadResult): void {
  console.log(JSON.stringify(result));
}
