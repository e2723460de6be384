/**
 * Imported first by the CLI's screen commands, before React loads: React's development
 * build checks every render (several times slower, much more memory), so the lab runs the
 * production build unless NODE_ENV says otherwise.
 */
process.env.NODE_ENV ??= 'production';
export {};
