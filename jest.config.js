/** @type {import('jest').Config} */
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
// testMatch rather than per-folder roots: git keeps no empty folders, and Jest rejects a root that does not exist.
const project = (displayName, folders, extra = {}) => ({
  displayName,
  testEnvironment: 'node',
  transform,
  roots: ['<rootDir>/tests'],
  testMatch: folders.map((f) => `<rootDir>/tests/${f}/**/*.{test,spec}.ts`),
  ...extra,
});

module.exports = {
  // Integration tests share one database and Temporal server, and Jest cannot limit workers per project.
  maxWorkers: 1,
  projects: [
    project('unit', ['unit']),
    // Jest 30 applies testTimeout from the global config only; the setup files raise it to 120 s per project.
    project('workflows', ['workflows', 'replay'], {
      setupFilesAfterEnv: ['<rootDir>/tests/workflows/setup/timeout.ts'],
      globalSetup: '<rootDir>/tests/workflows/setup/global-setup.ts',
      globalTeardown: '<rootDir>/tests/workflows/setup/global-teardown.ts',
    }),
    project('integration', ['integration'], {
      setupFilesAfterEnv: ['<rootDir>/tests/integration/setup/timeout.ts'],
      globalSetup: '<rootDir>/tests/integration/setup/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/setup/global-teardown.ts',
    }),
    // Browser tests drive the same API and worker as the integration tests, so they share that setup.
    project('e2e', ['e2e'], {
      setupFilesAfterEnv: ['<rootDir>/tests/integration/setup/timeout.ts'],
      globalSetup: '<rootDir>/tests/integration/setup/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/setup/global-teardown.ts',
    }),
  ],
};
