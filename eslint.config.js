import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public', 'test-results', 'playwright-report', 'coverage'] },
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
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['react', 'react-dom', 'zustand', '**/runtime/**', '**/state/**', '**/ui/**'],
          message: 'src/model may use TF.js and core, never React, state or the runtime.' }],
      }],
    },
  },
  {
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['react', 'react-dom', 'zustand', '**/state/**', '**/ui/**'],
          message: 'src/runtime may not reach state or UI.' }],
      }],
    },
  },
);
