import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PresetName, parseSourcesConfig, providerNames, type SourcesConfig } from '@hookline/core';
import { presetSamples } from '@hookline/core/testing';
import { startTestIngester, type TestIngester } from '@hookline/ingester/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDeps, runCli } from './cli.js';

const env = {
  GENERIC_SECRET: 'cli-generic',
  STANDARD_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  STRIPE_SECRET: 'whsec_cliStripe',
  STRIPE_SECRET_OLD: 'whsec_cliStripeOld',
  GITHUB_SECRET: 'cli-github',
  SHOPIFY_SECRET: 'cli-shopify',
  SLACK_SECRET: 'cli-slack',
  SVIX_SECRET: 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=',
  APIFY_TOKEN: 'cli-apify',
};

const yaml = `
sources:
  - { name: generic, provider: hmac-sha256, secrets: [GENERIC_SECRET] }
  - { name: standard, provider: standard-webhooks, secrets: [STANDARD_SECRET] }
  - { name: stripe, provider: stripe, secrets: [STRIPE_SECRET, STRIPE_SECRET_OLD] }
  - { name: github, provider: github, secrets: [GITHUB_SECRET] }
  - { name: shopify, provider: shopify, secrets: [SHOPIFY_SECRET] }
  - { name: slack, provider: slack, secrets: [SLACK_SECRET] }
  - { name: svix, provider: svix, secrets: [SVIX_SECRET] }
  - { name: apify, provider: apify, secrets: [APIFY_TOKEN] }
`;

function config(): SourcesConfig {
  const result = parseSourcesConfig(yaml, env);
  if (!result.ok) throw new Error(result.problems.join());
  return result.config;
}

const dir = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
let ingester: TestIngester;
let url: string;

beforeAll(async () => {
  ingester = await startTestIngester({ config: config() });

  await ingester.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(ingester.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await ingester.close();
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(argv: string[]) {
  const lines: string[] = [];
  const deps: CliDeps = {
    env: {},
    loadConfig: config,
    readFile: (path) => readFileSync(path),
    fetch,
    print: (line) => lines.push(line),
    nowSeconds: () => Math.floor(Date.now() / 1000),
    runRetention: () => Promise.reject(new Error('retention is tested in retention-command.int.test.ts')),
  };
  return { code: await runCli(argv, deps), lines };
}

// Each body is what that provider sends; the CLI signs it with the configured secret.
const bodies: Record<string, { body: string; args?: string[]; eventId: string }> = {
  generic: { body: '{"type":"order.paid"}', args: ['--event-id', 'cli-generic-1'], eventId: 'cli-generic-1' },
  standard: { body: '{"type":"invoice.paid"}', args: ['--event-id', 'msg_cli_1'], eventId: 'msg_cli_1' },
  stripe: { body: '{\n  "id": "evt_cli_1",\n  "type": "payment_intent.created"\n}', eventId: 'evt_cli_1' },
  github: { body: '{"action":"opened"}', args: ['--event-id', 'gh-cli-1', '--type', 'issues'], eventId: 'gh-cli-1' },
  shopify: { body: '{"id":1}', args: ['--event-id', 'shop-cli-1', '--type', 'orders/create'], eventId: 'shop-cli-1' },
  slack: { body: '{"type":"event_callback","event_id":"EvCli1","event":{"type":"message"}}', eventId: 'EvCli1' },
  svix: { body: '{"type":"user.created"}', args: ['--event-id', 'msg_svix_cli'], eventId: 'msg_svix_cli' },
  apify: {
    body: '{"eventType":"ACTOR.RUN.SUCCEEDED","resource":{"id":"run_cli","status":"SUCCEEDED"}}',
    args: ['--event-id', 'disp-cli'],
    eventId: 'disp-cli',
  },
};

describe('hookline send', () => {
  it.each(Object.keys(bodies))('signs a %s delivery so that the ingester accepts it', async (source) => {
    const { body, args = [], eventId } = bodies[source] as { body: string; args?: string[]; eventId: string };
    const { code, lines } = await run(['send', source, file(`${source}.json`, body), '--url', url, ...args]);
    expect(lines[0]).toBe(`POST /webhooks/${source} → 200`);
    expect(JSON.parse(lines[1] as string)).toEqual({ status: 'accepted', source, eventId });
    expect(code).toBe(0);
  });

  it('signs a form-encoded Slack slash command', async () => {
    const body = 'command=%2Fdeploy&trigger_id=cli.trigger.1';
    const { code, lines } = await run([
      'send',
      'slack',
      file('slash.form', body),
      '--content-type',
      'application/x-www-form-urlencoded',
      '--url',
      url,
    ]);
    expect(JSON.parse(lines[1] as string)).toMatchObject({ status: 'accepted', eventId: 'cli.trigger.1' });
    expect(code).toBe(0);
  });

  it('signs with an older secret when asked, as a sender not yet rotated would', async () => {
    const body = '{"id":"evt_cli_old","type":"x"}';
    const matchesOld = () => secretMatches('stripe', 1);
    const before = await matchesOld();
    const { code } = await run(['send', 'stripe', file('old.json', body), '--secret-index', '1', '--url', url]);
    expect(code).toBe(0);
    // The ingester tried its secrets in order and matched the second: the CLI signed with the old one.
    expect((await matchesOld()) - before).toBe(1);
  });

  it('prints the error and exits 1 when the ingester refuses the delivery', async () => {
    const { code, lines } = await run(['send', 'stripe', file('no-id.json', '{"type":"x"}'), '--url', url]);
    expect(lines[0]).toBe('POST /webhooks/stripe → 400');
    expect(JSON.parse(lines[1] as string).error.code).toBe('missing_event_id');
    expect(code).toBe(1);
  });
});

/** How many deliveries to a source the ingester verified with the secret at `index`, from its metrics. */
async function secretMatches(source: string, index: number): Promise<number> {
  const text = (await ingester.app.inject({ method: 'GET', url: '/metrics' })).body;
  const series = `hookline_signature_matches_total{source="${source}",secret_index="${index}"} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(series));
  return line === undefined ? 0 : Number(line.slice(series.length));
}

describe('hookline sign', () => {
  it('prints the headers only, one per line, and they verify with the ingester', async () => {
    const body = '{"action":"closed"}';
    const { code, lines } = await run(['sign', 'github', file('sign.json', body), '--event-id', 'gh-sign-1', '--type', 'issues']);
    expect(code).toBe(0);
    const headers = Object.fromEntries(lines.map((line) => line.split(': ') as [string, string]));
    expect(Object.keys(headers)).toEqual(['content-type', 'x-github-delivery', 'x-github-event', 'x-hub-signature-256']);
    const response = await ingester.app.inject({ method: 'POST', url: '/webhooks/github', payload: body, headers });
    expect(response.json()).toEqual({ status: 'accepted', source: 'github', eventId: 'gh-sign-1' });
  });

  it.each([
    [['sign'], 2],
    [['publish', 'github', 'x.json'], 2],
    [['sign', 'nowhere', 'x.json'], 2],
    [['sign', 'github', 'x.json', '--secret-index', 'one'], 2],
  ])('refuses %j with usage and exit code %i', async (argv, expected) => {
    expect((await run(argv)).code).toBe(expected);
  });
});

describe('the hookline entrypoint', () => {
  it('reads HOOKLINE_CONFIG and the secret env vars, signs, and posts', async () => {
    const configPath = file('hookline.config.yaml', yaml);
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=@hookline/source',
        '--import',
        'tsx',
        main,
        'send',
        'stripe',
        file('entry.json', '{"id":"evt_cli_main","type":"x"}'),
      ],
      { env: { ...process.env, ...env, HOOKLINE_CONFIG: configPath, HOOKLINE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(output).toContain('POST /webhooks/stripe → 200');
    expect(output).toContain('"eventId":"evt_cli_main"');
    expect(code).toBe(0);
  });
});

describe('hookline send, for every preset and a custom scheme', () => {
  const presets = providerNames.filter((name): name is PresetName => name !== 'custom');
  const envName = (provider: string) => `${provider.replaceAll('-', '_').toUpperCase()}_SECRET`;
  const allEnv: Record<string, string> = {
    ...Object.fromEntries(presets.map((provider) => [envName(provider), presetSamples[provider].secret])),
    ACME_SECRET: 'acme-secret',
    DISCORD_PRIVATE_KEY: presetSamples.discord.signingKey ?? '',
  };
  const allYaml = `sources:\n${presets.map((p) => `  - { name: ${p}, provider: ${p}, secrets: [${envName(p)}] }`).join('\n')}
  - name: acme
    provider: custom
    secrets: [ACME_SECRET]
    scheme:
      algorithm: sha512
      encoding: base64
      signature: { headers: [X-Acme-Signature], prefix: 'v1=' }
      timestamp: { from: 'header:X-Acme-Time', format: iso8601 }
      content: '{id}:{timestamp}:{url}:{body}'
      tolerance: { seconds: 120 }
      id: ['header:X-Acme-Delivery']
      type: ['body:kind']
`;
  const allConfig = () => {
    const result = parseSourcesConfig(allYaml, allEnv);
    if (!result.ok) throw new Error(result.problems.join());
    return result.config;
  };
  let everything: TestIngester;
  let everythingUrl: string;

  beforeAll(async () => {
    everything = await startTestIngester({ config: allConfig() });
    await everything.app.listen({ port: 0, host: '127.0.0.1' });
    everythingUrl = `http://127.0.0.1:${(everything.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await everything.close();
  });

  async function send(source: string, body: string, extra: string[]) {
    const lines: string[] = [];
    const code = await runCli(['send', source, file(`${source}.body`, body), '--url', everythingUrl, ...extra], {
      env: allEnv,
      loadConfig: allConfig,
      readFile: (path) => readFileSync(path),
      fetch,
      print: (line) => lines.push(line),
      nowSeconds: () => Math.floor(Date.now() / 1000),
      runRetention: () => Promise.reject(new Error('retention is tested in retention-command.int.test.ts')),
    });
    return { code, lines };
  }

  it.each(presets)('%s: signs the sample as the sender would, and the ingester accepts it', async (provider) => {
    const sample = presetSamples[provider];
    const extra = [
      ...(sample.contentType ? ['--content-type', sample.contentType] : []),
      ...(sample.headerEventType ? ['--type', sample.headerEventType] : []),
      ...(provider === 'discord' ? ['--signing-key-env', 'DISCORD_PRIVATE_KEY'] : []),
    ];
    const { code, lines } = await send(provider, sample.body(Math.floor(Date.now() / 1000)), extra);
    expect(lines[0]).toBe(`POST /webhooks/${provider} → 200`);
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ status: 'accepted' });
    expect(code).toBe(0);
  });

  it('a custom scheme: signs id, timestamp, URL and body as described', async () => {
    const { code, lines } = await send('acme', '{"kind":"thing.made"}', ['--event-id', 'acme-1']);
    expect(lines).toEqual(['POST /webhooks/acme → 200', '{"status":"accepted","source":"acme","eventId":"acme-1"}']);
    expect(code).toBe(0);
  });
});
