import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    tags: [{ name: 'slow', description: 'long fault campaigns: run in CI, skipped by npm run test:quick' }],
  },
});
