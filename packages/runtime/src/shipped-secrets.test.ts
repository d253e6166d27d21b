import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { refuseShippedSecrets } from './shipped-secrets.js';

const demo = {
  DEMO_WEBHOOK_SECRET: 'demo-secret',
  HOOKLINE_ADMIN_TOKEN: 'demo-admin-token-change-me',
  HOOKLINE_ADMIN_TOKENS: 'alice:0123456789abcdef0123,bob:demo-admin-token-change-me',
  PAYMENTS_SECRET: 'a-real-secret-0123456789',
};

describe('refuseShippedSecrets', () => {
  it('names every variable holding a shipped secret when NODE_ENV is production', () => {
    let thrown: unknown;
    try {
      refuseShippedSecrets({ ...demo, NODE_ENV: 'production' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual([
      'DEMO_WEBHOOK_SECRET',
      'HOOKLINE_ADMIN_TOKEN',
      'HOOKLINE_ADMIN_TOKENS',
    ]);
  });

  it('sees a shipped secret behind a trailing newline', () => {
    expect(() => refuseShippedSecrets({ S: 'demo-secret\n', NODE_ENV: 'production' })).toThrowError(/S: holds a value shipped/);
  });

  it('lets real secrets through, and anything outside production', () => {
    expect(() => refuseShippedSecrets({ PAYMENTS_SECRET: 'a-real-secret-0123456789', NODE_ENV: 'production' })).not.toThrow();
    expect(() => refuseShippedSecrets(demo)).not.toThrow();
    expect(() => refuseShippedSecrets({ ...demo, NODE_ENV: 'development' })).not.toThrow();
  });
});
