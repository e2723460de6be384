#!/usr/bin/env node
// Bundles the contlab CLI into dist/bundle/contlab.cjs with esbuild: one CommonJS file, so
// `contlab` reads one file instead of ~900 modules before its first frame, and so bin/contlab
// can hand V8 a code cache for it (bin/run-bundle.mjs): Node 20 caches no compiled code for
// ES modules. Parts loaded later (the player, the lesson parser, the monitor) are imported
// dynamically in the source, which esbuild keeps lazy: their code is read but not run.
// Native and dynamically required packages stay outside: node-pty (a .node addon) and
// blessed/blessed-contrib (require() by computed names).
//   node scripts/bundle.mjs [--metafile]   (the set-up command runs it after tsc)
// bench/ui.mjs bundles its Ink hello-world with the same bundle(), to compare like with like.
import { mkdirSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
    // The two places Ink awaits at its top level are both behind isDev(), which is false
    // here; a CommonJS bundle cannot hold a top-level await, so they go.
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: replaceAll(args.path, source, DEV_ONLY_AWAITS), loader: 'js' };
    });
  },
};

/** Ink's development-only awaits and what stands in for them (isDev() is false). */
const DEV_ONLY_AWAITS = [
  ["await import('./devtools.js');", 'void 0;'],
  ['? await loadPackageJson()', '? undefined'],
];

/** `source` with each [from, to] replaced; a `from` it lacks means the package changed. */
function replaceAll(file, source, pairs) {
  let out = source;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) throw new Error(`${file}: no '${from}' (the package changed?)`);
    out = out.replace(from, () => to);
  }
  return out;
}

/**
 * Ink's layout engine, yoga, is WebAssembly that yoga-layout carries as a base64 data: URL and
 * loads with fetch() (which makes Node load its whole HTTP client, undici) behind a top-level
 * await. The bundle ships the WebAssembly as a file (yoga.wasm) and starts yoga at once:
 * Emscripten's instantiateWasm hook gets the module compiled and instantiated synchronously,
 * so yoga is ready when its module has run, with no await.
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
        const contents = replaceAll(args.path, source, [
          [url[1], ''],
          // It would find its own folder from import.meta.url, for files it never loads.
          ['var _scriptDir = import.meta.url', 'var _scriptDir = undefined'],
        ]);
        return { contents, loader: 'js' };
      });
      b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const contents = replaceAll(args.path, source, [
          ['const Yoga = wrapAssembly(await loadYoga());', YOGA_AT_ONCE],
        ]);
        return { contents, loader: 'js' };
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

/** yoga started synchronously from yoga.wasm beside the bundle (see yogaFromFile). */
const YOGA_AT_ONCE = `
const yogaModule = {
  instantiateWasm(imports, receive) {
    const bytes = require('node:fs').readFileSync(require('node:path').join(__dirname, 'yoga.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
    receive(instance);
    return instance.exports;
  },
};
loadYoga(yogaModule);
if (!yogaModule.calledRun) throw new Error('yoga did not start synchronously (yoga-layout changed?)');
const Yoga = wrapAssembly(yogaModule);`;

/**
 * One string-width for everything: contlab's cell-width.ts (string-width's answers, without
 * its ~45 ms set-up for text that has no emoji) stands in for every copy Ink and its helpers
 * import, including wrap-ansi's own older one, which would build a second Intl.Segmenter and
 * a 14 kB emoji regex at start-up and measure some characters unlike the copy Ink lays out
 * with. cell-width.ts itself gets the real one.
 */
const oneStringWidth = {
  name: 'one-string-width',
  setup(b) {
    // string-width's emoji pattern (\p{RGI_Emoji}) takes ~15 ms to build when its module
    // loads; only text cell-width.ts cannot measure needs it, so it is built on first use.
    const pattern = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const lazy =
        'let rgiEmojiPattern;\n' +
        "const rgiEmojiRegex = { test: (s) => (rgiEmojiPattern ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(s) };";
      return { contents: replaceAll(args.path, source, [[pattern, lazy]]), loader: 'js' };
    });
    const cellWidth = join(repo, 'src', 'ui', 'text', 'cell-width.ts');
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      args.pluginData === 'real'
        ? undefined
        : args.importer === cellWidth
          ? b.resolve('string-width', { kind: args.kind, resolveDir: repo, pluginData: 'real' })
          : { path: cellWidth },
    );
  },
};

/**
 * Modules bundled on their own first, with their dependencies inlined and tree-shaken, so
 * the main bundle sees no imports in them. The progress file's schema uses zod's small
 * "mini" API, but in one module graph with the lesson parser's classic zod it would share
 * zod's core (every locale included), and the home screen, which reads progress but parses
 * no lesson, would run all of it at start-up.
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
 * Bundles `entryPoints` (name: source) into `outdir`, one CommonJS file each (name.cjs).
 * Returns esbuild's result: the metafile (what went where) and, unless `write`, the files.
 */
export async function bundle(entryPoints, outdir, write = true) {
  return build({
    absWorkingDir: repo,
    entryPoints,
    outdir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.cjs' },
    external: ['node-pty', 'blessed', 'blessed-contrib'],
    // React's and Ink's production paths only; the development builds are not bundled.
    // import.meta.url (how the source finds its own files) is the bundle's own URL.
    define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '__contlabBundleUrl' },
    banner: {
      js: "const __contlabBundleUrl = require('node:url').pathToFileURL(__filename).href;",
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
 * bin/run-bundle.mjs runs the bundle as a vm.Script, where import() has no loader (Node 20's
 * one for it is experimental and says so on stderr). esbuild turns import() of bundled code
 * into plain calls; an import() left, of a package or of Node's own modules, is refused here.
 */
function noDynamicImports(metafile) {
  const left = Object.values(metafile.outputs)
    .flatMap((out) => out.imports)
    .filter((i) => i.kind === 'dynamic-import')
    .map((i) => i.path);
  if (left.length > 0)
    throw new Error(
      `the bundle would import() ${[...new Set(left)].join(', ')} at run time: ` +
        'import it statically (bin/run-bundle.mjs runs the bundle without a module loader)',
    );
}

/** Files in dist/bundle that a build keeps: its output, and the code caches (run-bundle). */
const KEEP = new Set(['contlab.cjs', 'contlab.cjs.map', 'yoga.wasm', 'code-cache']);

/**
 * The CLI's bundle, written into dist/bundle while contlab may be running from it (a test
 * suite rebuilds while other tests run): each file appears whole (renamed into place), and
 * files of older builds (the ES module chunks of before) are removed.
 */
export async function bundleCli() {
  const outdir = join(repo, 'dist', 'bundle');
  mkdirSync(outdir, { recursive: true });
  const { metafile, outputFiles } = await bundle({ contlab: 'src/cli/main.ts' }, outdir, false);
  noDynamicImports(metafile);
  for (const out of outputFiles) writeWhole(out.path, out.contents);
  for (const name of readdirSync(outdir))
    if (!KEEP.has(name)) rmSync(join(outdir, name), { force: true, recursive: true });
  if (process.argv.includes('--metafile'))
    writeFileSync(join(repo, 'dist', 'bundle-meta.json'), JSON.stringify(metafile));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await bundleCli();
