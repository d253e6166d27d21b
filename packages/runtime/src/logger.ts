import { type DestinationStream, type Logger, pino } from 'pino';

// Signature and credential headers wherever a request or its headers are logged, and any
// field named like a secret. Raw bodies are never logged at all.
const SIGNATURE_HEADERS = [
  'authorization',
  'cookie',
  'x-signature',
  'webhook-signature',
  'stripe-signature',
  'x-hub-signature-256',
  'x-hub-signature',
  'x-shopify-hmac-sha256',
  'shopify-hmac-sha256',
  'x-slack-signature',
  'svix-signature',
  'x-hookline-token',
];
const REDACT = [
  ...SIGNATURE_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]),
  'secret',
  'secrets',
  '*.secret',
  '*.secrets',
];

export interface LoggerOptions {
  readonly name: string;
  readonly level?: string;
  /** Where lines go; tests pass a stream to capture them. Defaults to stdout. */
  readonly destination?: DestinationStream;
}

/** A structured logger for one role. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    { name: options.name, level: options.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination,
  );
}

export type { Logger } from 'pino';
