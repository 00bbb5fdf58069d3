// ESLint for the project's own JavaScript: the package entry (index.js), the
// CLI (bin/), the CommonJS library code (lib/), the dev scripts, the benchmark
// and the test helpers written in JS (`npm run lint:js`, part of `npm run
// lint`). The TypeScript tests are checked by tsc (tsconfig.json), and the
// JavaScript's types by tsc too (tsconfig.js.json, `npm run typecheck:js`).
import js from '@eslint/js'
import globals from 'globals'

export default [
  {
    // binding.js is napi-rs's generated loader (rewritten by every build);
    // examples/ is an Electron app with its own tooling; npm/ holds the
    // generated platform packages; the rest is build output and caches
    // (.gitignore).
    ignores: [
      'binding.js',
      'examples/**',
      'npm/**',
      'node_modules/**',
      'target/**',
      'dist/**',
      '.cache/**',
      '.bot-check/**',
      '.stress-results/**',
      'benchmark/.data/**',
      'benchmark/.cache/**',
    ],
  },
  {
    // Nothing is left unchecked silently: a disable comment that no longer
    // suppresses anything is itself reported.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2023,
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': ['error', { destructuring: 'all' }],
      'object-shorthand': ['error', 'properties'],
      'no-throw-literal': 'error',
      'prefer-promise-reject-errors': 'error',
      'no-return-assign': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unmodified-loop-condition': 'error',
      'no-unreachable-loop': 'error',
      'no-constructor-return': 'error',
      'no-promise-executor-return': 'error',
      'no-new-wrappers': 'error',
      'no-implied-eval': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-useless-rename': 'error',
      'no-useless-concat': 'error',
      'no-useless-return': 'error',
      'no-lonely-if': 'error',
      'no-unneeded-ternary': 'error',
      'prefer-object-has-own': 'error',
      radix: 'error',
      'array-callback-return': 'error',
      'default-case-last': 'error',
      'no-caller': 'error',
      'no-extend-native': 'error',
      'no-labels': ['error', { allowLoop: true }],
      'no-octal-escape': 'error',
      'no-proto': 'error',
      'no-sequences': 'error',
      'no-shadow-restricted-names': 'error',
      strict: ['error', 'safe'],
    },
  },
  {
    // CommonJS: package.json has no "type", so every .js file (index.js,
    // lib/) is CommonJS, as is every .cjs file.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
]
