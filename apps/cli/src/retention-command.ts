import { parseArgs } from 'node:util';
import type { RetentionReport } from '@hookline/db';

export interface RetentionRequest {
  readonly now: Date;
  readonly dryRun: boolean;
}

/** Runs one retention pass against the database (main.ts opens it; tests give theirs). */
export type RunRetention = (request: RetentionRequest) => Promise<RetentionReport>;

/** `retention run [--dry-run] [--now <ISO time>]`; throws with a message a user can act on. */
export function parseRetentionArgs(argv: readonly string[], now: () => Date): RetentionRequest {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' }, now: { type: 'string' } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'run')
    throw new Error('expected: retention run [--dry-run] [--now <ISO time>]');
  const at = values.now === undefined ? now() : new Date(values.now);
  if (Number.isNaN(at.getTime()) || (values.now !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(values.now))) {
    throw new Error(`--now must be an ISO 8601 time such as 2026-12-31T00:00:00Z, not "${values.now}"`);
  }
  return { now: at, dryRun: values['dry-run'] === true };
}

/** The report as a table, one row per source, table and kind. */
export function formatRetentionReport(report: RetentionReport): string[] {
  if (!report.ran) return ['another retention pass is running; it does the work, this one did nothing'];
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = [`retention pass as of ${report.now.toISOString()}${report.dryRun ? ' (dry run: nothing changed)' : ''}`];
  if (report.removed.length === 0) lines.push(`nothing to remove`);
  else {
    const rows = [
      ['source', 'table', 'kind', verb],
      ...report.removed.map((r) => [r.source || '-', r.table, r.kind, String(r.rows)]),
    ];
    const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
    for (const row of rows)
      lines.push(
        row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd(),
      );
  }
  const { dropped, created, deferred } = report.partitions;
  if (dropped.length > 0) lines.push(`partitions ${report.dryRun ? 'to drop' : 'dropped'}: ${dropped.join(', ')}`);
  if (created.length > 0)
    lines.push(`partitions ${report.dryRun ? 'to create' : 'created'}: ${created.length} (up to ${created.at(-1)})`);
  if (deferred.length > 0) lines.push(`partitions deferred to the next pass: ${deferred.join(', ')}`);
  return lines;
}
