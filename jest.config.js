/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking happens once in `npm run build` (tsc); jest only transpiles.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
  testTimeout: 60000,
  maxWorkers: 2,
};
