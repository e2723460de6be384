/** Moved to the lessons API: src/lessons/index.ts. Kept until the UI imports it from there. */
export * from '../../lessons/index.js';
