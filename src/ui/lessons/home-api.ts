/** Moved to the lessons API: src/lessons/home.ts. Kept until the UI imports it from there. */
export * from '../../lessons/home.js';
