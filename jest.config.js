/** Jest in ESM mode with ts-jest; see docs/development.md. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // A workflow command written by in-process code fails its test file instead of reaching the console; a failed
  // in-process run does not set the exit code of jest itself.
  setupFilesAfterEnv: ['<rootDir>/__fixtures__/console-guard.mjs', '<rootDir>/__fixtures__/exit-code.ts'],
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts'],
  coverageReporters: ['json-summary', 'text', 'lcov'],
  // At least 90% of the lines and branches of src/ (integration tests run dist/ in a child and add nothing).
  coverageThreshold: { global: { lines: 90, branches: 90 } },
  testTimeout: 60_000
}
