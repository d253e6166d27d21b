/** The one source every scenario posts to: the generic HMAC scheme, as in the issue. */
export const BENCH_SOURCE = 'bench';
export const BENCH_SECRET_ENV = 'BENCH_WEBHOOK_SECRET';
export const BENCH_SECRET = 'bench-secret-0123456789';

export const BENCH_SOURCES_YAML = `
sources:
  - name: ${BENCH_SOURCE}
    provider: hmac-sha256
    secrets: [${BENCH_SECRET_ENV}]
    entity: { id: data.id, status: data.status }
    statuses:
      ranks: { pending: 1, processing: 2, succeeded: 3 }
      terminal: [succeeded]
`;

export interface Profile {
  readonly quick: boolean;
  /** Seconds each closed-loop HTTP scenario runs. */
  readonly httpSeconds: number;
  readonly connections: number;
  /** Open-loop spike with the worker running: arrival rate and duration. */
  readonly spikeRate: number;
  readonly spikeSeconds: number;
  /** Open loop at half of C's rate with the worker running: how long. */
  readonly steadySeconds: number;
  /** The worker's nice value in the rows where roles get a deployment's priorities. */
  readonly workerNice: number;
  /** Events in the processing backlog. */
  readonly backlog: number;
  /** Overload: seconds of an open loop at twice capacity, its connections, the ingester's limit. */
  readonly overloadSeconds: number;
  readonly overloadConnections: number;
  readonly overloadMaxInFlight: number;
  /** Aged event rows the retention pass removes while the worker drains (R). */
  readonly agedRows: number;
}

export function profile(quick: boolean): Profile {
  return quick
    ? {
        quick,
        httpSeconds: 4,
        connections: 50,
        spikeRate: 2000,
        spikeSeconds: 5,
        steadySeconds: 5,
        workerNice: 10,
        backlog: 10_000,
        overloadSeconds: 4,
        overloadConnections: 1000,
        overloadMaxInFlight: 200,
        agedRows: 100_000,
      }
    : {
        quick,
        httpSeconds: 15,
        connections: 50,
        spikeRate: 2000,
        spikeSeconds: 30,
        steadySeconds: 20,
        workerNice: 10,
        backlog: 100_000,
        overloadSeconds: 20,
        overloadConnections: 1500,
        overloadMaxInFlight: 200,
        agedRows: 1_000_000,
      };
}
