// ESLint: neostandard (the maintained shared config the Fastify and pino teams use), with its TypeScript rules.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', '.tap/**', 'bench/results/**', '.scratch/**'] }),
  {
    rules: {
      // TypeScript already rejects real redeclarations; this one also flags the `as const` object and
      // type of the same name that STYLE.md prefers to enums.
      '@typescript-eslint/no-redeclare': 'off',
      // `void promise;` marks a promise deliberately left running.
      'no-void': ['error', { allowAsStatement: true }],
    },
  },
]
