/** @type {import('jest').Config} */
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'tsx', 'js', 'json'] };

module.exports = {
  // Integration tests share one database and Temporal server, and Jest cannot limit workers per project.
  maxWorkers: 1,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/tests/unit'] },
    { ...common, displayName: 'workflows', roots: ['<rootDir>/tests/workflows', '<rootDir>/tests/replay'], testTimeout: 120_000 },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/tests/integration'],
      testTimeout: 120_000,
      globalSetup: '<rootDir>/tests/integration/setup/global-setup.ts',
      globalTeardown: '<rootDir>/tests/integration/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/integration/setup/timeout.ts'],
    },
  ],
};
