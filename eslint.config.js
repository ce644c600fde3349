// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders under src/ and the folders each may NOT import (DESIGN.md, "Layers"). */
const layers = {
  core: [
    'sim',
    'sources',
    'targets',
    'runtime',
    'report',
    'server',
    'cli',
    'conformance',
    'migrate',
    'crd',
    'tune',
  ],
  sim: [
    'sources',
    'targets',
    'runtime',
    'report',
    'server',
    'cli',
    'conformance',
    'migrate',
    'crd',
    'tune',
  ],
  conformance: ['sim', 'sources', 'targets', 'runtime', 'report', 'server', 'cli', 'crd', 'tune'],
  // The CRD generator reads the spec schema only; only the CLI (`tide crd`) imports it.
  crd: [
    'sim',
    'sources',
    'targets',
    'runtime',
    'report',
    'server',
    'cli',
    'conformance',
    'migrate',
    'tune',
  ],
  // HPA / KEDA objects → ScalerSpecs (`tide import`): only core; the CLI checks source configs.
  migrate: [
    'sim',
    'sources',
    'targets',
    'runtime',
    'report',
    'server',
    'cli',
    'conformance',
    'crd',
    'tune',
  ],
  sources: [
    'sim',
    'targets',
    'runtime',
    'report',
    'server',
    'cli',
    'conformance',
    'migrate',
    'crd',
    'tune',
  ],
  targets: [
    'sim',
    'sources',
    'runtime',
    'report',
    'server',
    'cli',
    'conformance',
    'migrate',
    'crd',
    'tune',
  ],
  runtime: ['sim', 'report', 'server', 'cli', 'conformance', 'migrate', 'crd', 'tune'],
  report: ['sources', 'targets', 'runtime', 'server', 'cli', 'conformance', 'migrate', 'crd'],
  server: ['cli', 'crd'],
  // `tide tune`: searches specs with the simulator; the report and the CLI print what it found.
  tune: [
    'sources',
    'targets',
    'runtime',
    'report',
    'server',
    'cli',
    'conformance',
    'migrate',
    'crd',
  ],
};

const folderRegex = (names) => `(^|/)(${names.join('|')})(/|\\.js$|$)`;

const layerBlocks = Object.entries(layers).map(([folder, banned]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: folderRegex(banned),
            message: `src/${folder} may not import from ${banned.join(', ')} (DESIGN.md, "Layers").`,
          },
        ],
      },
    ],
  },
}));

/**
 * The engine is pure: no clock, randomness, environment, timers, network or Node built-ins. So are
 * the conformance runners and the importer (`migrate`), which run it on data.
 */
const pureBlock = (folder) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-globals': [
      'error',
      ...['process', 'setTimeout', 'setInterval', 'setImmediate', 'fetch', 'performance'].map(
        (name) => ({ name, message: 'core/ is pure: pass time and data in (DESIGN.md).' }),
      ),
    ],
    'no-restricted-syntax': [
      'error',
      {
        selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
        message: 'core/ reads no clock: take `now` as an argument.',
      },
      {
        selector: "NewExpression[callee.name='Date'][arguments.length=0]",
        message: 'core/ reads no clock: use new Date(now).',
      },
      {
        selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
        message: 'core/ draws no random numbers.',
      },
    ],
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: folderRegex(layers[folder]),
            message: `src/${folder} is pure: it may not import from ${layers[folder].join(', ')} (DESIGN.md, "Layers").`,
          },
          {
            regex: '^(?!\\.|zod($|/))',
            message: `src/${folder} is pure: it may import only zod from npm, and no node: built-ins.`,
          },
        ],
      },
    ],
  },
});
const pureBlocks = ['core', 'conformance', 'migrate'].map(pureBlock);

export default tseslint.config(
  {
    // scripts/ holds shell and small Node scripts for CI output, examples/ the local runner's demo
    // service and load generator in plain JavaScript: neither is part of the TypeScript project.
    ignores: [
      'dist/**',
      'node_modules/**',
      'tide-report/**',
      'tide-tune/**',
      'deploy/**',
      '.cache/**',
      'scripts/**',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      complexity: ['error', 10],
      'max-params': ['error', 4],
      'max-depth': ['error', 3],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...layerBlocks,
  ...pureBlocks,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Nothing imports the CLI: it is the outermost layer.
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)cli/', message: 'nothing imports cli/.' }] },
      ],
    },
    ignores: [
      'src/cli/**',
      'src/core/**',
      'src/conformance/**',
      ...Object.keys(layers).map((f) => `src/${f}/**`),
    ],
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests and benchmarks are long tables and scenarios by nature.
      complexity: 'off',
      'max-depth': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
