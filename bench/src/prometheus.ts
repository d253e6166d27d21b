/** One scrape of a Prometheus text endpoint, read by metric name and labels. */
export interface Scrape {
  /** Every series of a metric name, with its labels. */
  series(name: string): { labels: Record<string, string>; value: number }[];
  /** The value of the series with these labels (all of them, when given), or 0. */
  value(name: string, labels?: Record<string, string>): number;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Scrape {
  const rows = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => {
      const match = LINE.exec(line);
      if (!match) return [];
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key, value]));
      return [{ name: match[1] as string, labels, value: Number(match[3]) }];
    });
  const series = (name: string) => rows.filter((row) => row.name === name);
  return {
    series,
    value(name, labels = {}) {
      const row = series(name).find((candidate) =>
        Object.entries(labels).every(([key, value]) => candidate.labels[key] === value),
      );
      return row?.value ?? 0;
    },
  };
}

export async function readMetrics(url: string): Promise<Scrape> {
  const response = await fetch(url);
  return parseMetrics(await response.text());
}
