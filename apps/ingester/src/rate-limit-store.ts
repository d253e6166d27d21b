import type { FastifyRateLimitStore } from '@fastify/rate-limit';

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Fixed-window counts per source for @fastify/rate-limit. Its own in-memory store hands back
 * the live counter, which later requests of the same burst bump before the first one reads
 * it, so a burst was refused whole; this one answers each request with its own count.
 * Keys are source names from the config, so the map never grows past the number of sources.
 */
export class SourceWindowStore implements FastifyRateLimitStore {
  private readonly windows = new Map<string, Window>();

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { count: 0, endsAt: now + timeWindow };
      this.windows.set(key, window);
    }
    window.count++;
    callback(null, { current: window.count, ttl: window.endsAt - now });
  }

  child(): FastifyRateLimitStore {
    return new SourceWindowStore();
  }
}
