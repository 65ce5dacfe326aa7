import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: the site and the swarm under test need CPU of their own.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
