import { ConfigError } from './config-error.js';

/**
 * Every secret and token value this repository ships (`demo.env`, the examples' `example.env`):
 * public knowledge, so a production process holding one accepts forged deliveries or lets anyone
 * into the admin. tests/deploy checks that this list covers every value in those files.
 */
export const SHIPPED_SECRETS: readonly string[] = [
  'demo-secret',
  'whsec_ZGVtby1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQ=',
  'demo-admin-token-change-me',
  'apify-example-secret',
  'orders-example-secret',
  'whsec_ZXhhbXBsZS1mb3J3YXJkLXNpZ25pbmctc2VjcmV0',
];

/** The values a variable holds: itself, and each token of a `name:<token>,…` list. */
function candidates(value: string): string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  return [value.trim(), ...entries, ...entries.map((entry) => entry.slice(entry.indexOf(':') + 1))];
}

/**
 * With `NODE_ENV=production`, throws a ConfigError naming every variable that holds a shipped
 * secret. Every variable is looked at, not only the ones a role knows it reads: source secrets
 * have names the sources file chooses, and a forward secret or a named admin token is as public.
 */
export function refuseShippedSecrets(env: NodeJS.ProcessEnv): void {
  if (env.NODE_ENV !== 'production') return;
  const shipped = new Set(SHIPPED_SECRETS);
  const problems = Object.entries(env)
    .filter(([, value]) => value !== undefined && candidates(value).some((candidate) => shipped.has(candidate)))
    .map(([name]) => `${name}: holds a value shipped in demo.env or an example; set a secret of your own`);
  if (problems.length > 0) throw new ConfigError(problems.sort());
}
