import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'http', 'https', 'net', 'crypto', 'child_process', 'path', 'os'];

export default defineConfig(
  { ignores: ['generated/', 'node_modules/', 'dist/', '.data/', 'coverage/', 'bench/out/'] },
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is replayed deterministically in the Temporal sandbox: any I/O belongs in activities.
    files: ['workflows/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'pg', 'express', '@temporalio/client', '@temporalio/activity', '@temporalio/worker'].map((name) => ({
            name,
            message: 'workflows must not do I/O; call an activity instead',
          })),
          patterns: [
            { group: ['node:*', ...nodeBuiltins.map((m) => `${m}/*`)], message: 'workflows must not use Node built-ins' },
            { group: ['@prisma/*', '**/generated', '**/generated/*'], message: 'workflows must not touch the database' },
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'workflows reach activities through proxyActivities; import their types only' },
          ],
        },
      ],
    },
  },
);
