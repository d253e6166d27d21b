import type { Counter } from 'prom-client';

/**
 * A counter's current values as `{ source, field, value }`, the field being `<prefix>:<label value>`
 * (e.g. `ingest:duplicate`): what each process publishes for the admin's `/api/stats`.
 */
export async function counterSamples(
  counter: Counter<'source' | string>,
  prefix: string,
  label: string,
): Promise<{ source: string; field: string; value: number }[]> {
  const { values } = await counter.get();
  return values.map(({ labels, value }) => ({
    source: String(labels.source),
    field: `${prefix}:${String(labels[label])}`,
    value,
  }));
}
