import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@hookline/source'] },
  ssr: { resolve: { conditions: ['@hookline/source'] } },
  test: {
    // Each file starts its own Redis, Postgres and role processes: on a 2-core machine they
    // would starve each other (and the timings under test) if files ran side by side.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
