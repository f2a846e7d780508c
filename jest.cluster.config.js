/** @type {import('jest').Config} */
// `npm run test:cluster`: fault tests against the cluster stack (real Temporal server on PostgreSQL, two workers,
// one API), which they stop and start. Not part of `npm test`: it takes minutes (see README).
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
module.exports = {
  maxWorkers: 1,
  projects: [
    {
      displayName: 'cluster',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/tests'],
      testMatch: ['<rootDir>/tests/cluster/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/cluster/setup/timeout.ts'],
      globalSetup: '<rootDir>/tests/cluster/setup/global-setup.ts',
      globalTeardown: '<rootDir>/tests/cluster/setup/global-teardown.ts',
    },
  ],
};
