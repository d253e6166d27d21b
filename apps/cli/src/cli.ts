import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { SourcesConfig } from '@hookline/core';
import { buildRequest } from './build-request.js';
import { formatRetentionReport, parseRetentionArgs, type RetentionRequest, type RunRetention } from './retention-command.js';

export const USAGE = `usage:
  hookline sign <source> <file> [options]   print the headers the source's provider would send
  hookline send <source> <file> [options]   sign the file and POST it to the ingester, print the answer
  hookline retention run [--dry-run] [--now <ISO time>]
                                            run a retention pass now (or as if at --now), print what it
                                            removed, or with --dry-run what it would remove

options:
  --event-id <id>        event id, where the provider sends it in a header (default: random)
  --type <type>          event type, where the provider sends it in a header (GitHub event, Shopify topic)
  --content-type <type>  default application/json (Slack slash commands: application/x-www-form-urlencoded)
  --secret-index <n>     sign with the source's n-th secret (default 0)
  --signing-key-env <v>  sign with this env var's value instead: the private key of senders that
                         sign with one (Discord: the 32-byte ed25519 seed, hex)
  --url <url>            ingester base URL for send (default $HOOKLINE_URL or http://127.0.0.1:3000)

Reads the same sources file (HOOKLINE_CONFIG) and secret env vars as the services.`;

export interface CliDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly loadConfig: () => SourcesConfig;
  readonly readFile: (path: string) => Buffer;
  readonly fetch: typeof fetch;
  readonly print: (line: string) => void;
  readonly nowSeconds: () => number;
  readonly runRetention: RunRetention;
}

/** Runs one command; returns the exit code. Errors a user can fix are printed, not thrown. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  if (argv[0] === 'retention') return runRetentionCommand(argv.slice(1), deps);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    deps.print(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { command, sourceName, file, options } = parsed;
  const source = deps.loadConfig().sources.get(sourceName);
  if (source === undefined) {
    deps.print(`no source named "${sourceName}" in the sources file`);
    return 2;
  }
  const keyEnv = options['signing-key-env'];
  const signingKey = keyEnv === undefined ? undefined : deps.env[keyEnv]?.trim();
  if (keyEnv !== undefined && !signingKey) {
    deps.print(`env var ${keyEnv} (--signing-key-env) is not set`);
    return 2;
  }
  const rawBody = deps.readFile(file);
  const base = options.url ?? deps.env.HOOKLINE_URL ?? 'http://127.0.0.1:3000';
  const request = buildRequest(source, rawBody, {
    baseUrl: base,
    eventId: options['event-id'] ?? `hookline-cli-${randomUUID()}`,
    ...(options.type !== undefined && { eventType: options.type }),
    contentType: options['content-type'] ?? 'application/json',
    secretIndex: Number(options['secret-index'] ?? '0'),
    ...(signingKey !== undefined && { signingKey }),
    nowSeconds: deps.nowSeconds(),
  });

  if (command === 'sign') {
    for (const [name, value] of Object.entries(request.headers)) deps.print(`${name}: ${value}`);
    return 0;
  }
  const url = new URL(request.path, base);
  const response = await deps.fetch(url, { method: 'POST', headers: request.headers, body: rawBody });
  deps.print(`POST ${url.pathname} → ${response.status}`);
  deps.print(await response.text());
  return response.ok ? 0 : 1;
}

async function runRetentionCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  let request: RetentionRequest;
  try {
    request = parseRetentionArgs(argv, () => new Date(deps.nowSeconds() * 1000));
  } catch (error) {
    deps.print(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  for (const line of formatRetentionReport(await deps.runRetention(request))) deps.print(line);
  return 0;
}

function parse(argv: readonly string[]) {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'event-id': { type: 'string' },
      type: { type: 'string' },
      'content-type': { type: 'string' },
      'secret-index': { type: 'string' },
      'signing-key-env': { type: 'string' },
      url: { type: 'string' },
    },
  });
  const [command, sourceName, file, ...rest] = positionals;
  if ((command !== 'sign' && command !== 'send') || sourceName === undefined || file === undefined || rest.length > 0) {
    throw new Error('expected: sign|send <source> <file>');
  }
  if (values['secret-index'] !== undefined && !/^\d+$/.test(values['secret-index'])) {
    throw new Error('--secret-index must be a number');
  }
  return { command, sourceName, file, options: values } as const;
}
