// Runs a CommonJS bundle made by scripts/bundle.mjs with V8's code cache: the bytecode V8
// compiled for it last time, so a start-up does not parse and compile it again (Node 20
// keeps no such cache by itself, and none at all for ES modules). The cache is made once,
// a second into a run that lasts that long (a screen drawn by then; a quick command like
// --version needs no cache), and kept in a code-cache folder beside the bundle, one file
// per kind of run (the home screen, `start`, ...): each holds what that kind compiled.
// Its name carries the bundle's size and time, so a rebuilt bundle never meets the cache
// of another build; V8 itself rejects a cache of another Node version, and a new one is
// made. Where the folder cannot be written (contlab run without root), contlab runs as
// well, uncached.
'use strict';
const {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { createRequire } = require('node:module');
const { basename, dirname, join } = require('node:path');
const { Script } = require('node:vm');

/** Runs `file` (a CommonJS module) as `kind` of run; returns its exports. */
function runBundle(file, kind) {
  // Read and dated through one descriptor: a rebuild renamed over `file` meanwhile must not
  // pair this source with the new build's name for its cache.
  const fd = openSync(file, 'r');
  const { size, mtimeMs } = fstatSync(fd);
  const bytes = keep(readFileSync(fd));
  closeSync(fd);
  const source = bytes.toString('utf8');
  const folder = join(dirname(file), 'code-cache');
  const prefix = `${basename(file)}-${kind}-`;
  const cacheFile = join(folder, `${prefix}${size}-${Math.trunc(mtimeMs)}.bin`);
  const cachedData = keep(readIfThere(cacheFile));
  // The same wrapper Node puts around a CommonJS module, so the bundle sees what it expects.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  // No import() inside: scripts/bundle.mjs refuses a bundle that has one.
  const script = new Script(wrapped, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true)
    saveLater(script, folder, prefix, cacheFile);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/**
 * The two files' bytes (~2.4 MB each), kept for the life of the process. Freed, they would
 * raise glibc's mmap threshold to their size (it adapts to the largest block freed), and
 * every later allocation below it would come from the heap, which does not shrink: the
 * player's resident memory measured 114-130 MB with them freed, 102-106 MB with them kept.
 */
const kept = [];
function keep(buffer) {
  if (buffer !== undefined) kept.push(buffer);
  return buffer;
}

function readIfThere(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the script's code cache a second from now, if the process still runs then. */
function saveLater(script, folder, prefix, cacheFile) {
  const save = () => {
    try {
      mkdirSync(folder, { recursive: true });
      accessSync(folder, constants.W_OK);
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
      // Caches of this kind for older builds will never be read again.
      for (const name of readdirSync(folder))
        if (name.startsWith(prefix) && join(folder, name) !== cacheFile && !name.endsWith('.tmp'))
          rmSync(join(folder, name), { force: true });
    } catch {
      // Not writable (no root), or a full disk: the next run compiles as this one did.
    }
  };
  setTimeout(save, 1000).unref();
}

module.exports = { runBundle };
