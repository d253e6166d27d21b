import { describe, expect, it } from 'vitest';
import { resolveRetention } from './retention.js';
import { parseSourcesConfig } from './sources-config.js';

const env = { A: 'a', B: 'b' };
const defaults = { payloadDays: 30, eventDays: 90 };

function parse(retention: string) {
  return parseSourcesConfig(
    `sources:\n  - { name: a, provider: hmac-sha256, secrets: [A] }\n  - { name: b, provider: hmac-sha256, secrets: [B], retention: ${retention} }\n`,
    env,
  );
}

describe('retention settings', () => {
  it('gives each source its own horizons and the defaults for what it leaves out', () => {
    const parsed = parse('{ payloadDays: 7 }');
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const result = resolveRetention(parsed.config, defaults, 365);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.settings.sources.get('a')).toEqual({ payloadDays: 30, eventDays: 90 });
    expect(result.settings.sources.get('b')).toEqual({ payloadDays: 7, eventDays: 90 });
    expect(result.settings.auditDays).toBe(365);
  });

  it('names the field when eventDays is under 7 or under payloadDays, or payloadDays is not a positive integer', () => {
    const short = parse('{ eventDays: 6 }');
    expect(!short.ok && short.problems.some((problem) => problem.startsWith('sources[1].retention.eventDays:'))).toBe(true);
    const below = parse('{ payloadDays: 20, eventDays: 10 }');
    expect(!below.ok && below.problems).toEqual(['sources[1].retention.eventDays: must be at least payloadDays (20)']);
    const zero = parse('{ payloadDays: 0 }');
    expect(!zero.ok && zero.problems.some((problem) => problem.startsWith('sources[1].retention.payloadDays:'))).toBe(true);
    const unknown = parse('{ days: 3 }');
    expect(!unknown.ok && unknown.problems.some((problem) => problem.startsWith('sources[1].retention'))).toBe(true);
  });

  it('names the field whose default makes the event horizon shorter than the payload horizon', () => {
    const parsed = parse('{ payloadDays: 120 }');
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const result = resolveRetention(parsed.config, defaults, 365);
    expect(!result.ok && result.problems).toEqual([
      'sources[1].retention.payloadDays: eventDays (90) must be at least payloadDays (120)',
    ]);
  });

  it('refuses defaults that break the same rules', () => {
    const parsed = parse('{}');
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const result = resolveRetention(parsed.config, { payloadDays: 10, eventDays: 5 }, 365);
    expect(!result.ok && result.problems).toContain('default eventDays: must be at least 7');
  });
});
