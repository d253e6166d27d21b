import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseEnv } from '@hookline/runtime';
import { describe, expect, it } from 'vitest';
import { adminEnv } from './env.js';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const config = fileURLToPath(new URL('../../../hookline.config.yaml', import.meta.url));

function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { HOOKLINE_ADMIN_TOKEN: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--conditions=@hookline/source', '--import', 'tsx', main], {
    env: { ...inherited, HOOKLINE_CONFIG: config, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('admin start-up', () => {
  it('refuses to start without HOOKLINE_ADMIN_TOKEN, naming it', async () => {
    const { code, output } = await run({});
    expect(code).toBe(1);
    expect(output).toContain('HOOKLINE_ADMIN_TOKEN');
  });

  it('refuses a token shorter than 16 characters and malformed named tokens', () => {
    expect(() => parseEnv(adminEnv, { HOOKLINE_ADMIN_TOKEN: 'short' })).toThrowError(/HOOKLINE_ADMIN_TOKEN: /);
    expect(() => parseEnv(adminEnv, { HOOKLINE_ADMIN_TOKEN: 'x'.repeat(16), HOOKLINE_ADMIN_TOKENS: 'alice' })).toThrowError(
      /HOOKLINE_ADMIN_TOKENS: /,
    );
  });

  it('binds to the loopback interface unless HOST says otherwise', () => {
    const base = { HOOKLINE_ADMIN_TOKEN: 'x'.repeat(16) };
    expect(parseEnv(adminEnv, base).HOST).toBe('127.0.0.1');
    expect(parseEnv(adminEnv, { ...base, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('reads viewer tokens as name:token pairs', () => {
    const base = { HOOKLINE_ADMIN_TOKEN: 'x'.repeat(16) };
    expect(
      parseEnv(adminEnv, { ...base, HOOKLINE_ADMIN_VIEWER_TOKENS: 'prometheus:0123456789abcdef' }).HOOKLINE_ADMIN_VIEWER_TOKENS,
    ).toEqual([{ name: 'prometheus', token: '0123456789abcdef' }]);
    expect(() => parseEnv(adminEnv, { ...base, HOOKLINE_ADMIN_VIEWER_TOKENS: 'prometheus:short' })).toThrowError(
      /HOOKLINE_ADMIN_VIEWER_TOKENS: /,
    );
  });

  it('reads the read-only switch as the words true and false', () => {
    const base = { HOOKLINE_ADMIN_TOKEN: 'x'.repeat(16) };
    expect(parseEnv(adminEnv, base).HOOKLINE_ADMIN_READ_ONLY).toBe(false);
    expect(parseEnv(adminEnv, { ...base, HOOKLINE_ADMIN_READ_ONLY: 'true' }).HOOKLINE_ADMIN_READ_ONLY).toBe(true);
    expect(() => parseEnv(adminEnv, { ...base, HOOKLINE_ADMIN_READ_ONLY: 'yes' })).toThrowError(/HOOKLINE_ADMIN_READ_ONLY/);
  });
});
