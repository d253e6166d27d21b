/** How a signed timestamp is written. */
export type TimestampFormat = 'unix' | 'unix-ms' | 'iso8601';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Unix seconds of a timestamp as sent; undefined when it is not in the format. */
export function parseTimestamp(value: string, format: TimestampFormat): number | undefined {
  if (format === 'unix') return /^\d{1,12}$/.test(value) ? Number(value) : undefined;
  if (format === 'unix-ms') return /^\d{1,15}$/.test(value) ? Math.floor(Number(value) / 1000) : undefined;
  if (!ISO_8601.test(value)) return undefined;
  // Date.parse keeps milliseconds only; Twitch sends nanoseconds, which it drops harmlessly.
  const millis = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(millis) ? undefined : Math.floor(millis / 1000);
}

/** A timestamp written as the sender would write `seconds`. */
export function formatTimestamp(seconds: number, format: TimestampFormat): string {
  if (format === 'unix') return String(seconds);
  if (format === 'unix-ms') return String(seconds * 1000);
  return new Date(seconds * 1000).toISOString();
}
