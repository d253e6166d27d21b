import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

// A smoke test only: it proves `pnpm bench --quick` runs end to end and writes a well-formed
// table. It asserts nothing about speed; speed is read from the table, never tested.
describe('pnpm bench --quick', () => {
  it(
    'runs every scenario and writes one well-formed markdown table and its JSON',
    () => {
      const resultsDir = mkdtempSync(join(tmpdir(), 'hookline-bench-results-'));
      const output = execFileSync('pnpm', ['run', 'bench', '--quick'], {
        cwd: benchDir,
        encoding: 'utf8',
        timeout: 8 * 60_000,
        env: { ...process.env, BENCH_RESULTS_DIR: resultsDir },
      });
      const markdown = readFileSync(join(resultsDir, 'latest.md'), 'utf8');
      expect(output).toContain(markdown.trim().split('\n')[0]);
      const rows = markdown.split('\n').filter((line) => /^\| [A-S]n?′?\. /.test(line));
      expect(rows.map((row) => row.slice(2).split(' ')[0])).toEqual([
        'A.',
        'B.',
        'C.',
        'D.',
        'E.',
        'En.',
        'E′.',
        'S.',
        'Sn.',
        'F.',
        'G.',
        'H.',
        'I.',
        'R.',
        'M.',
      ]);
      for (const row of rows) expect(row.split('|')).toHaveLength(9);
      const json = JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8'));
      expect(json.hookline.requests).toBeGreaterThan(0);
      expect(json.processing.eventsPerSecond).toBeGreaterThan(0);
      expect(json.retention.removedEvents).toBe(json.retention.agedRows);
      expect(json.machine.mode).toBe('quick');
    },
    9 * 60_000,
  );
});
