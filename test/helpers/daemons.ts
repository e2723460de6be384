/**
 * Host-side checks for the lab daemon tests, read straight from /proc and /sys: what a
 * daemon might leave behind (processes naming its socket, mounts, cgroups).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { labHierarchies } from '../../src/engine/cgroupfs.js';
import { hostMountPoints } from '../../src/engine/mounts-host.js';
import { repoRoot } from '../../src/engine/repo.js';

/** PIDs (other than this one) whose command line mentions `needle`. */
export function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

export function mountsBelow(dir: string): string[] {
  return hostMountPoints().filter((m) => m === dir || m.startsWith(dir + '/'));
}

/** The lab cgroup directories named `name` under /contlab, in every hierarchy. */
export function labCgroupDirs(name: string): string[] {
  return labHierarchies()
    .map((h) => join(h.mountPoint, 'contlab', name))
    .filter((d) => existsSync(d));
}

/**
 * The cgroups named after a lab's containerd namespace (contlab-<lab pid>) at the root of
 * every hierarchy: where `ctr run` without --cgroup puts a container (/<namespace>/<id>).
 */
export function namespaceCgroupDirs(namespace: string): string[] {
  return labHierarchies()
    .map((h) => join(h.mountPoint, namespace))
    .filter((d) => existsSync(d));
}

/**
 * Builds dist/ so child scripts and bin/contlab run the code under test: the compiled
 * TypeScript, then the CLI bundle bin/contlab runs (scripts/bundle.mjs).
 */
export function buildDist(): void {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  // Exit 2 is "type errors, output written": in a shared checkout another file may be
  // mid-edit; the code these tests run is still emitted (and tsc --noEmit checks it).
  if (r.status !== 0 && r.status !== 2)
    throw new Error(`tsc build failed:\n${r.stdout}${r.stderr}`);
  const b = spawnSync(process.execPath, ['scripts/bundle.mjs'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (b.status !== 0) throw new Error(`bundle build failed:\n${b.stdout}${b.stderr}`);
}

/**
 * Starts a node script (with `args`) and resolves with the JSON after its `READY ` line:
 * what a fixture made before it waits to be killed.
 */
export async function startReadyScript<T>(
  script: string,
  env: NodeJS.ProcessEnv,
  { args = [], timeoutMs = 60_000 }: { args?: readonly string[]; timeoutMs?: number } = {},
): Promise<{ child: ChildProcess; ready: T }> {
  const child = spawn(process.execPath, [script, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script}: no READY line\n${stderr}`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (!l.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve(l.slice('READY '.length));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited ${code}\n${stderr}`));
    });
  });
  return { child, ready: JSON.parse(line) as T };
}

export async function sigkill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
