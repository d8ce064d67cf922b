// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

/** The app must run under the real Functions host: it may never reach into the local tooling or the tests. */
const appFence = {
  group: ['**/local/**', '@azure-plan-local/*', '@azure-plan-local/*/**', '**/test/**'],
  message: 'App code never imports the local tooling (local/: host, stores, simulators) or tests.',
};

/** The three local packages (npm workspaces under local/, README "Map of the house"). */
const localPackages = ['functions-host', 'stores', 'simulators'];

/** A package's index is its public API: nothing outside it imports a file inside it. */
const packageIndexFence = [
  {
    regex: '^@azure-plan-local/[^/]+/.',
    message: "Import the package's index (`@azure-plan-local/<name>`), its public API, not a file inside it.",
  },
  {
    regex: `(^|/)local/(${localPackages.join('|')})(/|$)`,
    message:
      'Import a local package by its name (`@azure-plan-local/<name>`), not by a path into its folder.',
  },
];

/** Inside a package: its own files by relative path, the other packages only through their index. */
const insidePackageFence = (name) => [
  packageIndexFence[0],
  {
    regex: `^\\.{1,2}/(.*/)?(${localPackages.filter((other) => other !== name).join('|')})(/|$)`,
    message:
      'Another local package is reached by its name (`@azure-plan-local/<name>`), never by a relative path.',
  },
];

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
    // Everything outside the local packages (the app's own blocks below replace this with their stricter fence).
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    ignores: ['local/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: packageIndexFence }] },
  },
  ...localPackages.map((name) => ({
    files: [`local/${name}/**`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [compositionRootFence, ...insidePackageFence(name)] }],
    },
  })),
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
    // A workflow folder (orchestrations/purchase/, orchestrations/transition/) is a feature: endpoints and triggers
    // use its public use cases (start, read, cancel, wake) and its contract; only functions/index.ts registers its
    // orchestrator and activities, over the dependencies functions/compositionRoot.ts builds for them.
    files: ['functions/**'],
    ignores: ['functions/index.ts', 'functions/compositionRoot.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appFence,
            compositionRootFence,
            {
              group: [
                '**/orchestrations/*/*Orchestrator',
                '**/orchestrations/*/*Activities',
                '**/orchestrations/*/partnerCenterSteps',
                '**/orchestrations/durablePatterns/**',
              ],
              message:
                "Use a workflow's public use cases and contract; functions/index.ts registers its orchestrator and activities.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, scripts and the bench build what they need themselves (in-memory repositories, their own clients).
    files: ['test/**', 'scripts/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [compositionRootFence, ...packageIndexFence] }] },
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
              group: [
                ...featureFolders.flatMap((folder) => [`**/${folder}/**`, `**/${folder}`]),
                '**/orchestrations/**',
              ],
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
    // A workflow folder holds its use cases, its contract, its orchestrator and one activities factory over narrow
    // dependencies; functions/index.ts hands the factory the root's. Like shared/'s features, it knows no HTTP.
    files: ['orchestrations/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appFence,
            {
              group: ['**/compositionRoot', '**/functions/**', '**/platform/http/**'],
              message: 'Workflows get their dependencies passed in and know no HTTP: throw an AppError.',
            },
            {
              group: ['@azure/functions'],
              allowTypeImports: true,
              message: 'Workflows know no HTTP: throw an AppError.',
            },
          ],
        },
      ],
    },
  },
  {
    // Orchestrators and the durable patterns they run replay from history: no I/O clients, no Node built-ins, no
    // wall clock, no randomness.
    files: [
      'orchestrations/**/*orchestrator.ts',
      'orchestrations/**/*Orchestrator.ts',
      'orchestrations/durablePatterns/**',
    ],
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
                '**/functions/**',
                '**/platform/http/**',
              ],
              message: 'Orchestrators do no I/O; call an activity.',
            },
            {
              group: ['@azure/functions'],
              allowTypeImports: true,
              message: 'Orchestrators know no HTTP; an activity gets the invocation context.',
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
