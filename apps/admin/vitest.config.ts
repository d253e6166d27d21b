import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@hookline/source'] },
  ssr: { resolve: { conditions: ['@hookline/source'] } },
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
