// Lint rules that keep the code the shape STYLE asks for. The strictest part: code under
// packages/*/src/core/ must be a pure state machine (no IO, clocks, randomness, timers or awaits),
// so seeded simulations can replay it exactly. The controller package's planners are held to the
// same rules: they are pure functions of the metadata image.
import tseslint from 'typescript-eslint';

const IO_MODULES = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'dgram', 'node:dgram',
  'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads', 'timers', 'node:timers',
  '@grpc/grpc-js', 'pino', 'level', 'classic-level'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/test/**/*.ts', 'packages/*/bench/**/*.ts', 'packages/*/bin/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'max-lines': ['warn', { max: 500, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 70, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['packages/*/src/**/core/**/*.ts', 'packages/controller/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: IO_MODULES.map((name) => ({ name, message: 'core code is pure: IO belongs in the driver' })) }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'core code counts ticks; time comes from tick()' },
        { object: 'Math', property: 'random', message: 'core code takes an injected seeded random source' },
        { object: 'performance', property: 'now', message: 'core code counts ticks' },
        { object: 'process', property: 'hrtime', message: 'core code counts ticks' }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'core code is driven by tick()' },
        { name: 'setInterval', message: 'core code is driven by tick()' },
        { name: 'setImmediate', message: 'core code is driven by tick()' },
        { name: 'queueMicrotask', message: 'core code is synchronous' }],
      'no-restricted-syntax': ['error',
        { selector: 'AwaitExpression', message: 'core code never awaits' },
        { selector: 'FunctionDeclaration[async=true], ArrowFunctionExpression[async=true], FunctionExpression[async=true]', message: 'core code is synchronous' },
        { selector: 'NewExpression[callee.name="Date"]', message: 'core code counts ticks' }],
    },
  },
);
