// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

/** The app must run under the real Functions host: it may never reach into the local host or the tests. */
const appFence = {
  group: ['**/local-functions-host/**', '**/test/**'],
  message: 'App code never imports the local host or tests.',
};

/**
 * One composition root (functions/compositionRoot.ts, built at load), reached from one place: functions/index.ts
 * calls every endpoint, trigger and activity factory with what the root built, so nothing else reaches for it (no
 * service locator).
 */
const compositionRootFence = {
  group: ['**/compositionRoot'],
  message: 'Only functions/index.ts imports the composition root; take what you use as a parameter.',
};

/** SDKs and runtime bindings: what domain code must not know about. */
const ioModules = ['node:fs', 'node:http', '@azure/*', 'durable-functions'];

/** Feature folders (use cases, contracts, repositories) under shared/. */
const featureFolders = [
  'customers',
  'agreements',
  'purchases',
  'transitions',
  'purchaseBatches',
  'commerce',
  'invitations',
  'notifications',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      eqeqeq: ['error', 'always'],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['functions/**', 'orchestrations/**', 'shared/**'],
    ignores: ['functions/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [appFence, compositionRootFence] }] },
  },
  {
    files: ['functions/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [appFence] }] },
  },
  {
    // Tests, scripts and the bench build what they need themselves (in-memory repositories, their own clients).
    files: ['test/**', 'scripts/**', 'bench/**', 'local-functions-host/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [compositionRootFence] }] },
  },
  {
    // Domain rules, stored documents and API shapes are pure: they import only zod, node:crypto and each other.
    files: ['shared/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appFence,
            {
              group: [...ioModules, '**/platform/**', '**/gateways/**', '**/compositionRoot'],
              message: 'The domain does no I/O and knows no platform or gateway: keep it pure.',
            },
            {
              group: featureFolders.flatMap((folder) => [`**/${folder}/**`, `**/${folder}`]),
              message: 'The domain is below the features: features import the domain, never the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    // Use cases throw domain errors with stable codes; only the HTTP edge turns them into problem+json.
    files: featureFolders.map((folder) => `shared/${folder}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appFence,
            {
              group: ['**/platform/http/**', '**/compositionRoot', '**/functions/**', '**/orchestrations/**'],
              message: 'Use cases get their dependencies passed in and know no HTTP: throw an AppError.',
            },
            {
              group: ['@azure/functions'],
              allowTypeImports: true,
              message: 'Use cases know no HTTP: throw an AppError.',
            },
          ],
        },
      ],
    },
  },
  {
    // Platform plumbing serves every feature and depends on none of them.
    files: ['shared/platform/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appFence,
            {
              group: featureFolders.flatMap((folder) => [`**/${folder}/**`, `**/${folder}`]),
              message: 'Platform code depends on no feature.',
            },
            {
              group: ['**/compositionRoot', '**/functions/**', '**/orchestrations/**'],
              message:
                'Platform plumbing is handed its dependencies (functions/index.ts wires them from the root); it never reaches for them.',
            },
          ],
        },
      ],
    },
  },
  {
    // Activities are factories over narrow dependencies; functions/index.ts hands them the root's.
    files: ['orchestrations/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appFence,
            {
              group: ['**/compositionRoot', '**/functions/**', '**/platform/http/**'],
              message: 'Workflows get their dependencies passed in and know no HTTP.',
            },
          ],
        },
      ],
    },
  },
  {
    // Orchestrators replay from history: no I/O clients, no Node built-ins, no wall clock, no randomness.
    files: ['orchestrations/**/*orchestrator.ts', 'orchestrations/**/*Orchestrator.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appFence,
            {
              group: [
                'node:*',
                '@azure/cosmos',
                '@azure/identity',
                '@azure/storage-queue',
                '**/cosmos/**',
                '**/compositionRoot',
              ],
              message: 'Orchestrators do no I/O; call an activity.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use context.df.currentUtcDateTime.' },
        { object: 'Math', property: 'random', message: 'Use context.df.newGuid().' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use context.df.currentUtcDateTime.',
        },
      ],
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
