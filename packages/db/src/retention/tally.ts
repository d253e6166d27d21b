import type { Removal, RemovedKind } from './report.js';

/** Adds up removals by source, table and kind. */
export class Tally {
  readonly #counts = new Map<string, Removal>();

  add(source: string, table: string, kind: RemovedKind, rows: number): void {
    if (rows === 0) return;
    const key = `${source}\u0000${table}\u0000${kind}`;
    const before = this.#counts.get(key)?.rows ?? 0;
    this.#counts.set(key, { source, table, kind, rows: before + rows });
  }

  removals(): Removal[] {
    return [...this.#counts.values()].sort(
      (a, b) => a.source.localeCompare(b.source) || a.table.localeCompare(b.table) || a.kind.localeCompare(b.kind),
    );
  }
}
