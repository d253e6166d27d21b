import type { Counter } from 'prom-client';

/**
 * A counter's current values as `{ source, kind, key, value }`, the key being one label's value
 * (e.g. kind `ingest`, key `duplicate`): what each process publishes for the admin's `/api/stats`.
 * The kind is the stats' own type (`StatsKind` in `@hookline/queue`), so a renamed kind is a
 * compile error in every writer and the reader, not a silent zero.
 */
export async function counterSamples<Kind extends string>(
  counter: Counter<'source' | string>,
  kind: Kind,
  label: string,
): Promise<{ source: string; kind: Kind; key: string; value: number }[]> {
  const { values } = await counter.get();
  return values.map(({ labels, value }) => ({
    source: String(labels.source),
    kind,
    key: String(labels[label]),
    value,
  }));
}
