import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// The fences between the rooms of src/ (ui → state → runtime → model → core). Node-side file reading
// (src/node) serves the CLI, scripts and tests; the CLI (src/cli) is a program, not a library.
const NO_NODE = { group: ['**/node/**', '**/node'], message: 'src/node is Node-side file reading for the CLI, scripts and tests: pass bytes in instead.' };
const NO_CLI = { group: ['**/cli/**', '**/cli'], message: 'src/cli is only the command line: move what you need into src/model or src/node.' };
const TESTS = ['**/*.test.ts', '**/*.test.tsx', 'src/**/fixtures.ts'];
const MODEL = { group: ['react', 'react-dom', 'zustand', '**/runtime/**', '**/state/**', '**/ui/**'], message: 'src/model may use TF.js and core, never React, state or the runtime.' };
const RUNTIME = { group: ['react', 'react-dom', 'zustand', '**/state/**', '**/ui/**'], message: 'src/runtime may not reach state or UI.' };
const fence = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist', 'dist-loader', 'node_modules', 'public', 'test-results', 'playwright-report', 'coverage'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.tsx', 'src/ui/**/*.ts', 'src/state/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // The fence: src/core is pure TypeScript on typed arrays. It must run unchanged in Node,
    // workers and tests, so it may not reach TF.js, React, state, the DOM or other layers.
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@tensorflow/*', 'react', 'react-dom', 'react/*', 'zustand', 'zustand/*', 'recharts', 'comlink'],
            message: 'src/core must stay independent: pure TypeScript on typed arrays, no TF.js, React or state.' },
          { group: ['**/model/**', '**/runtime/**', '**/state/**', '**/ui/**'],
            message: 'src/core may not import from other layers (ui → state → runtime → model → core).' },
          NO_NODE, NO_CLI,
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    // Nothing outside the CLI imports it; scripts, e2e and tests may read files through src/node.
    files: ['src/**/*.{ts,tsx}', 'scripts/**/*.{ts,mjs}', 'e2e/**/*.ts'],
    ignores: ['src/cli/**', 'src/core/**'],
    rules: fence(NO_CLI),
  },
  { files: ['src/model/**/*.ts'], ignores: TESTS, rules: fence(MODEL, NO_NODE, NO_CLI) },
  { files: TESTS.map((t) => `src/model/${t}`), rules: fence(MODEL, NO_CLI) },
  { files: ['src/runtime/**/*.ts'], ignores: TESTS, rules: fence(RUNTIME, NO_NODE, NO_CLI) },
  { files: TESTS.map((t) => `src/runtime/${t}`), rules: fence(RUNTIME, NO_CLI) },
  { files: ['src/state/**/*.{ts,tsx}', 'src/ui/**/*.{ts,tsx}'], ignores: TESTS, rules: fence(NO_NODE, NO_CLI) },
);
