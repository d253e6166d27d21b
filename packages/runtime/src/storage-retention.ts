import { MIN_EVENT_DAYS, type RetentionSettings, resolveRetention, type SourcesConfig } from '@hookline/core';
import { z } from 'zod';
import { ConfigError } from './config-error.js';

const days = (fallback: number, min = 1) => z.coerce.number().int().min(min).max(3650).default(fallback);

/** The default horizons of stored events (sources may set their own) and of the audit trail, in days. */
export const storageRetentionEnv = z.object({
  HOOKLINE_RETENTION_PAYLOAD_DAYS: days(30),
  HOOKLINE_RETENTION_EVENT_DAYS: days(90, MIN_EVENT_DAYS),
  HOOKLINE_RETENTION_AUDIT_DAYS: days(365),
});

/** Each source's horizons with the environment's defaults; throws a ConfigError naming each bad field. */
export function loadRetentionSettings(config: SourcesConfig, env: z.infer<typeof storageRetentionEnv>): RetentionSettings {
  const result = resolveRetention(
    config,
    { payloadDays: env.HOOKLINE_RETENTION_PAYLOAD_DAYS, eventDays: env.HOOKLINE_RETENTION_EVENT_DAYS },
    env.HOOKLINE_RETENTION_AUDIT_DAYS,
  );
  if (!result.ok) throw new ConfigError(result.problems);
  return result.settings;
}
