import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@hookline/source'] },
  ssr: { resolve: { conditions: ['@hookline/source'] } },
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
