#!/usr/bin/env node
// Bundles the contlab CLI into dist/bundle/ with esbuild: one file for the command line and
// one chunk per part that is loaded later (the home screen, the player, the lesson parser,
// the monitor), so `contlab` reads a few files instead of ~900 modules before its first frame.
// Native and dynamically required packages stay outside: node-pty (a .node addon) and
// blessed/blessed-contrib (require() by computed names). bin/contlab runs the bundle.
//   node scripts/bundle.mjs [--metafile]   (the set-up command runs it after tsc)
// bench/ui.mjs bundles its Ink hello-world with the same bundle(), to compare like with like.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Writes `file` whole (a temporary file renamed over it): a reader sees the old or the new. */
function writeWhole(file, contents) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

/**
 * Modules the bundle leaves out (replaced by an empty one): Ink's React devtools bridge,
 * and production-env.ts, whose job (React's production build) the bundle does at build time
 * with `define` below. Ink's DEV=true switch (devtools, and its own package.json read next to
 * its module, which the bundle does not ship) is off: a learner's DEV=true must not break it.
 */
const leftOut = {
  name: 'left-out',
  setup(b) {
    // Real paths on both sides: node_modules may be a symlink (a git worktree sharing one).
    const inkBuild = realpathSync(join(repo, 'node_modules', 'ink', 'build'));
    const inInk = (args) => realpathSync(dirname(args.importer)) === inkBuild;
    const replaced = (args) => ({ path: args.path, namespace: 'left-out' });
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      inInk(args) ? replaced(args) : undefined,
    );
    b.onResolve({ filter: /^\.\/utils\.js$/ }, (args) =>
      inInk(args) ? replaced(args) : undefined,
    );
    b.onResolve({ filter: /\/production-env\.js$/ }, replaced);
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: args.path === './utils.js' ? 'export const isDev = () => false;' : '',
      loader: 'js',
    }));
  },
};

/**
 * Ink's layout engine, yoga, is WebAssembly that yoga-layout carries as a base64 data: URL and
 * loads with fetch(), which makes Node load its whole HTTP client (undici) first. The bundle
 * ships the WebAssembly as a file (yoga.wasm) and hands yoga its bytes instead.
 */
function yogaFromFile(outdir) {
  let wasm;
  return {
    name: 'yoga-from-file',
    setup(b) {
      b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/][^\\/]+\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const url = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(source);
        if (url === null)
          throw new Error(`${args.path}: no embedded WebAssembly (yoga-layout changed?)`);
        wasm = Buffer.from(url[1], 'base64');
        return { contents: source.replace(url[1], ''), loader: 'js' };
      });
      b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const call = 'await loadYoga()';
        if (!source.includes(call))
          throw new Error(`${args.path}: no '${call}' (yoga-layout changed?)`);
        return {
          contents:
            "import { readFileSync as readYoga } from 'node:fs';\n" +
            source.replace(
              call,
              "await loadYoga({ wasmBinary: readYoga(new URL('./yoga.wasm', import.meta.url)) })",
            ),
          loader: 'js',
        };
      });
      b.onEnd((result) => {
        if (result.errors.length > 0) return;
        if (wasm === undefined)
          throw new Error('yoga-layout was not bundled: is Ink still a dependency?');
        writeWhole(join(outdir, 'yoga.wasm'), wasm);
      });
    },
  };
}

/**
 * One string-width for Ink: wrap-ansi (which Ink wraps text with) brings its own older copy,
 * which builds a second Intl.Segmenter and a 14 kB emoji regex at start-up, and measures
 * some characters unlike the copy Ink lays out with.
 */
const oneStringWidth = {
  name: 'one-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'wrap-ansi')}`) && args.pluginData !== 'top'
        ? b.resolve('string-width', { kind: args.kind, resolveDir: repo, pluginData: 'top' })
        : undefined,
    );
  },
};

/**
 * Modules bundled on their own first, with their dependencies inlined and tree-shaken, so
 * the main bundle sees no imports in them. The progress file's schema uses zod's small
 * "mini" API, but in one module graph with the lesson parser's classic zod it would share
 * zod's core chunk (every locale included) and the home screen would load all of it.
 */
const SELF_CONTAINED = [join('src', 'lessons', 'progress', 'schema.ts')];

const selfContained = {
  name: 'self-contained',
  setup(b) {
    const files = SELF_CONTAINED.map((f) => join(repo, f));
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!files.includes(args.path)) return undefined;
      const own = await build({
        entryPoints: [args.path],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        logLevel: 'warning',
      });
      return { contents: own.outputFiles[0].text, loader: 'js' };
    });
  },
};

/**
 * Bundles `entryPoints` (name: source) into `outdir`, as ES modules split into chunks.
 * Returns esbuild's result: the metafile (what went where) and, unless `write`, the files.
 */
export async function bundle(entryPoints, outdir, write = true) {
  return build({
    absWorkingDir: repo,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Chunk names carry their content's hash: the lesson catalog keys its cache on them.
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    external: ['node-pty', 'blessed', 'blessed-contrib'],
    // React's and Ink's production paths only; the development builds are not bundled.
    define: { 'process.env.NODE_ENV': '"production"' },
    // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __contlabRequire } from 'node:module'; const require = __contlabRequire(import.meta.url);",
    },
    plugins: [leftOut, oneStringWidth, selfContained, yogaFromFile(outdir)],
    legalComments: 'none',
    minifySyntax: true,
    minifyWhitespace: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    write,
  });
}

/**
 * The CLI's bundle, written into dist/bundle while contlab may be running from it (a test
 * suite rebuilds while other tests run): chunk files are named by their content, so a chunk
 * that did not change is left as it is, a new one appears whole, and the entry file is
 * written last. Chunks of older builds are removed at the end.
 */
export async function bundleCli() {
  const outdir = join(repo, 'dist', 'bundle');
  mkdirSync(outdir, { recursive: true });
  const { metafile, outputFiles } = await bundle({ contlab: 'src/cli/main.ts' }, outdir, false);
  const entry = join(outdir, 'contlab.mjs');
  const keep = new Set([join(outdir, 'yoga.wasm')]);
  for (const out of outputFiles) {
    keep.add(out.path);
    if (out.path === entry) continue;
    const same = existsSync(out.path) && readFileSync(out.path).equals(out.contents);
    if (!same) writeWhole(out.path, out.contents);
  }
  const main = outputFiles.find((out) => out.path === entry);
  if (main === undefined) throw new Error(`esbuild wrote no ${entry}`);
  writeWhole(entry, main.contents);
  for (const name of readdirSync(outdir))
    if (!keep.has(join(outdir, name))) rmSync(join(outdir, name), { force: true });
  if (process.argv.includes('--metafile'))
    writeFileSync(join(repo, 'dist', 'bundle-meta.json'), JSON.stringify(metafile));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await bundleCli();
