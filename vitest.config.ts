import { defineConfig } from 'vitest/config';

// Two projects:
// - unit: pure code, no database, no network beyond loopback fakes started by the test itself.
// - integration: files named *.int.test.ts; a global setup starts the embedded FerretDB once
//   (or uses MONGODB_URI) and every file gets a fresh database of its own (tests/helpers/db.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.int.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.int.test.ts'],
          globalSetup: ['tests/setup/embedded-db.global.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
