// Jest runs the TypeScript tests as ES modules, compiled by swc (fast, no type checks:
// `npm run typecheck` does those). Tests talk to the real kernel, so they run one file
// at a time: two files creating cgroups or daemons at once would fight over the machine.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          target: 'es2022',
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  maxWorkers: 1,
  // Each run gets an empty HOME (the machine's dotfiles stay out of the tests), and fails if a
  // test left a process of its own running (see the files).
  globalSetup: '<rootDir>/test/setup/empty-home.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  testTimeout: 120000,
};
