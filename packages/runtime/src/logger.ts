import { type SourcesConfig, secretHeaderNames, signatureSchemes } from '@hookline/core';
import { type DestinationStream, type Logger, pino } from 'pino';

// Credentials that are no scheme's own: never logged wherever a request or its headers are.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

/** Every header a provider scheme carries a signature or token in, from the schemes themselves. */
const SCHEME_HEADERS = Object.values(signatureSchemes).flatMap((scheme) => scheme.signatureHeaders);

const CENSOR = '[redacted]';

function redactPaths(headers: readonly string[]): string[] {
  return [
    ...[...new Set(headers)].flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]),
    'secret',
    'secrets',
    '*.secret',
    '*.secrets',
  ];
}

export interface LoggerOptions {
  readonly name: string;
  readonly level?: string;
  /** Where lines go; tests pass a stream to capture them. Defaults to stdout. */
  readonly destination?: DestinationStream;
}

/**
 * A structured logger for one role. Signature and credential headers are redacted wherever a
 * request or its headers are logged, and any field named like a secret; raw bodies are never
 * logged at all.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: redactPaths([...CREDENTIAL_HEADERS, ...SCHEME_HEADERS]), censor: CENSOR },
    },
    options.destination,
  );
}

/**
 * The role's logger once its sources are known: also redacts the headers its sources' own
 * schemes name (a custom Apify token header, say), which no fixed list can know in advance.
 */
export function withSourceRedaction(logger: Logger, config: SourcesConfig): Logger {
  return logger.child(
    {},
    { redact: { paths: redactPaths([...CREDENTIAL_HEADERS, ...SCHEME_HEADERS, ...secretHeaderNames(config)]), censor: CENSOR } },
  );
}

export type { Logger } from 'pino';
