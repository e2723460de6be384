/**
 * Evaluating checks against the system. Each result says what was seen and what was
 * expected, in words a learner can act on, naming the real file a value came from.
 */
import {
  commandOf,
  decodeCaps,
  differingNamespaces,
  parseCapMask,
  type MountEntry,
  type ProcessInfo,
} from '../../engine/observer/index.js';
import type { CheckContext } from './context.js';
import { formatSize } from './sizes.js';
import type { LabSystem } from './system.js';
import { expandLabVars } from './expand.js';
import { hostnameOutcome, sharesOutcome, statusOutcome } from './evaluate-more.js';
import type {
  CapabilityCheck,
  CgroupLimitCheck,
  Check,
  CheckpointResult,
  CheckResult,
  CommandCheck,
  FileCheck,
  MountCheck,
  OomKillsCheck,
  ProcessCheck,
  ScriptCheck,
} from './types.js';

export type Outcome = Omit<CheckResult, 'check'>;

export async function evaluateCheckpoint(
  checks: readonly Check[],
  ctx: CheckContext,
): Promise<CheckpointResult> {
  const system = ctx.system();
  const results = await Promise.all(checks.map((c) => evaluateCheck(c, ctx, system)));
  return { ok: results.every((r) => r.ok), results };
}

export async function evaluateCheck(
  check: Check,
  ctx: CheckContext,
  system: LabSystem = ctx.system(),
): Promise<CheckResult> {
  return { check, ...(await outcomeOf(check, ctx, system)) };
}

function outcomeOf(check: Check, ctx: CheckContext, system: LabSystem): Promise<Outcome> {
  switch (check.kind) {
    case 'process':
      return processOutcome(check, ctx, system);
    case 'cgroup-limit':
      return limitOutcome(check, ctx, system);
    case 'oom-kills':
      return oomOutcome(check, ctx, system);
    case 'capability':
      return capabilityOutcome(check, ctx, system);
    case 'file':
      return fileOutcome(check, ctx, system);
    case 'mount':
      return mountOutcome(check, ctx, system);
    case 'command':
      return commandOutcome(check, system);
    case 'script':
      return scriptOutcome(check, system);
    case 'shares-namespace':
      return sharesOutcome(check, ctx, system);
    case 'status':
      return statusOutcome(check, ctx, system);
    case 'hostname-in':
      return hostnameOutcome(check, ctx, system);
  }
}

/** Records the counters "rose" checks compare with: call when a step opens. */
export async function captureBaseline(checks: readonly Check[], ctx: CheckContext): Promise<void> {
  const system = ctx.system();
  for (const c of checks) {
    if (c.kind !== 'oom-kills') continue;
    const path = cgroupPath(ctx, c.cgroup);
    const stats = await system.cgroupStats(path);
    ctx.baseline.set(path, stats.memory?.oomKills.value ?? 0);
  }
}

export function cgroupPath(ctx: CheckContext, cgroup: string): string {
  return `${ctx.cgroupBase}/${cgroup.replace(/^\/+/, '')}`;
}

export async function matching(
  pattern: string,
  scope: 'lab' | 'host',
  ctx: CheckContext,
  system: LabSystem,
): Promise<ProcessInfo[]> {
  const re = new RegExp(pattern);
  const ps = await system.processesIn(scope === 'lab' ? ctx.labScope : undefined);
  return ps.filter((p) => re.test(commandOf(p)));
}

export const where = (scope: 'lab' | 'host'): string =>
  scope === 'lab' ? 'in the lab' : 'on the host';
export const describeProc = (p: ProcessInfo): string =>
  `pid ${p.pid} (${shorten(commandOf(p), 60)})`;

async function processOutcome(
  c: ProcessCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const wanted = c.namespaces;
  const group = c.inCgroup === undefined ? undefined : cgroupPath(ctx, c.inCgroup);
  const root = c.root === undefined ? undefined : trimSlash(expandLabVars(c.root, ctx.env));
  const expected =
    `a process matching /${c.match}/ ${where(c.scope)}` +
    (wanted.length > 0 ? ` in its own ${wanted.join(', ')} namespace` : '') +
    (c.inCgroup === undefined ? '' : ` in cgroup ${c.inCgroup}`) +
    (root === undefined ? '' : ` with its root at ${root}`);
  const ps = await matching(c.match, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: `no such process ${where(c.scope)}` };
  const host = wanted.length > 0 ? await system.hostNamespaces() : undefined;
  const scored = await Promise.all(
    ps.map(async (p) => {
      const differs = host === undefined ? [] : differingNamespaces(p.namespaces, host);
      const shared = wanted.filter((t) => !differs.includes(t));
      const inGroup = group === undefined || (p.cgroups ?? []).some((m) => m.path === group);
      const itsRoot =
        root === undefined
          ? undefined
          : trimSlash((await system.readLink(`/proc/${p.pid}/root`)) ?? '?');
      const rootOk = root === undefined || itsRoot === root;
      return {
        p,
        shared,
        inGroup,
        itsRoot,
        rootOk,
        misses: shared.length + (inGroup ? 0 : 1) + (rootOk ? 0 : 1),
      };
    }),
  );
  scored.sort((a, b) => a.misses - b.misses);
  const best = scored[0] as (typeof scored)[number];
  if (best.misses === 0) return { ok: true, expected, saw: describeProc(best.p) };
  const problems = [
    best.shared.length > 0 ? `shares the host's ${best.shared.join(', ')} namespace` : '',
    best.inGroup ? '' : `is in cgroup ${cgroupOf(best.p, ctx)}`,
    best.rootOk ? '' : `has its root at ${best.itsRoot ?? '?'}`,
  ].filter(Boolean);
  return { ok: false, expected, saw: `${describeProc(best.p)} ${problems.join(' and ')}` };
}

/** A process's cgroup path shown relative to the lab's, the way lessons name cgroups. */
function cgroupOf(p: ProcessInfo, ctx: CheckContext): string {
  const paths = [...new Set((p.cgroups ?? []).map((m) => m.path))];
  const lab = paths.find((x) => x.startsWith(`${ctx.cgroupBase}/`));
  return lab === undefined ? (paths[0] ?? 'unknown') : lab.slice(ctx.cgroupBase.length + 1);
}

async function limitOutcome(
  c: CgroupLimitCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const stats = await system.cgroupStats(cgroupPath(ctx, c.cgroup));
  const show = c.controller === 'memory' ? formatSize : String;
  const expected = `${c.controller} limit of cgroup ${c.cgroup} = ${show(c.equals)}`;
  const reading =
    c.controller === 'memory'
      ? stats.memory?.max
      : c.controller === 'pids'
        ? stats.pids?.max
        : stats.cpu?.quota;
  if (reading === undefined)
    return { ok: false, expected, saw: `this host has no ${c.controller} cgroup controller` };
  if (reading.value === null)
    return {
      ok: false,
      expected,
      saw: `${reading.file} does not exist: create cgroup ${c.cgroup}`,
    };
  return {
    ok: reading.value === c.equals,
    expected,
    saw: `${reading.file} = ${show(reading.value)}`,
  };
}

async function oomOutcome(
  c: OomKillsCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const path = cgroupPath(ctx, c.cgroup);
  const base = ctx.baseline.get(path) ?? 0;
  const parts = [
    c.rose ? `above ${base}` : '',
    c.atLeast !== undefined ? `at least ${c.atLeast}` : '',
  ];
  const expected = `oom_kill count of cgroup ${c.cgroup} ${parts.filter(Boolean).join(' and ') || 'readable'}`;
  const stats = await system.cgroupStats(path);
  const reading = stats.memory?.oomKills;
  if (reading === undefined)
    return { ok: false, expected, saw: 'this host has no memory cgroup controller' };
  if (reading.value === null)
    return {
      ok: false,
      expected,
      saw: `${reading.file} has no oom_kill count (is the cgroup created?)`,
    };
  const ok =
    (!c.rose || reading.value > base) && (c.atLeast === undefined || reading.value >= c.atLeast);
  return { ok, expected, saw: `oom_kill ${reading.value} in ${reading.file}` };
}

async function capabilityOutcome(
  c: CapabilityCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const cap = c.capability.toUpperCase();
  const expected = `a process matching /${c.process}/ ${c.has ? 'with' : 'without'} ${cap} in its ${c.set} set`;
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: `no such process ${where(c.scope)}` };
  const holds = (p: ProcessInfo): boolean | undefined => {
    const hex = p.caps?.[c.set];
    return hex === undefined ? undefined : decodeCaps(parseCapMask(hex)).includes(c.capability);
  };
  const good = ps.find((p) => holds(p) === c.has);
  if (good !== undefined) return { ok: true, expected, saw: describeProc(good) };
  const first = ps[0] as ProcessInfo;
  const state =
    holds(first) === undefined ? 'has unreadable capabilities' : c.has ? 'lacks' : 'has';
  return { ok: false, expected, saw: `${describeProc(first)} ${state} ${cap}` };
}

async function fileOutcome(c: FileCheck, ctx: CheckContext, system: LabSystem): Promise<Outcome> {
  const shown = expandLabVars(c.path, ctx.env);
  let path = shown;
  let inside = '';
  if (c.process !== undefined) {
    const ps = await matching(c.process, c.scope, ctx, system);
    const p = ps[0];
    const expected = `a process matching /${c.process}/ ${where(c.scope)} (to look inside its root)`;
    if (p === undefined) return { ok: false, expected, saw: `no such process ${where(c.scope)}` };
    path = `/proc/${p.pid}/root${shown}`;
    inside = ` inside the root of ${describeProc(p)}`;
  }
  const expected =
    `${shown}${inside} ${c.exists ? 'exists' : 'does not exist'}` +
    (c.contains !== undefined ? ` and contains /${c.contains}/` : '');
  const exists = await system.exists(path);
  if (!c.exists)
    return { ok: !exists, expected, saw: `${path} ${exists ? 'exists' : 'is absent'}` };
  if (!exists) return { ok: false, expected, saw: `${path} does not exist` };
  if (c.contains === undefined) return { ok: true, expected, saw: `${path} exists` };
  const text = (await system.readFile(path)) ?? '';
  const ok = new RegExp(expandLabVars(c.contains, ctx.env), 'm').test(text);
  return { ok, expected, saw: `${path} holds "${shorten(text.trim(), 80)}"` };
}

async function mountOutcome(c: MountCheck, ctx: CheckContext, system: LabSystem): Promise<Outcome> {
  const target = expandLabVars(c.target, ctx.env);
  const what = `${target}${c.fstype === undefined ? '' : ` (${c.fstype})`}`;
  const expected =
    `${what} ${c.exists ? 'mounted' : 'not mounted'} for a process matching /${c.process}/ ${where(c.scope)}` +
    (c.onHost === undefined ? '' : c.onHost ? ', and on the host too' : ', but not on the host');
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: `no such process ${where(c.scope)}` };
  const find = (mounts: MountEntry[] | undefined): MountEntry | undefined =>
    mounts?.find(
      (m) => m.mountPoint === target && (c.fstype === undefined || m.fstype === c.fstype),
    );
  let host = '';
  if (c.onHost !== undefined) {
    const onHost = find(await system.mounts(1)) !== undefined;
    host = onHost ? '; the host has it too' : '; the host does not have it';
    if (onHost !== c.onHost) {
      const p = ps[0] as ProcessInfo;
      return {
        ok: false,
        expected,
        saw: `${describeMount(find(await system.mounts(p.pid)), what, p)}${host}`,
      };
    }
  }
  let first: string | undefined;
  for (const p of ps) {
    const found = find(await system.mounts(p.pid));
    const saw = `${describeMount(found, what, p)}${host}`;
    if ((found !== undefined) === c.exists) return { ok: true, expected, saw };
    first ??= saw;
  }
  return { ok: false, expected, saw: first ?? 'no readable mount table' };
}

function describeMount(m: MountEntry | undefined, what: string, p: ProcessInfo): string {
  return m === undefined
    ? `${describeProc(p)} has no mount at ${what}`
    : `${describeProc(p)} sees ${m.mountPoint} mounted (${m.fstype} from ${m.source})`;
}

async function commandOutcome(c: CommandCheck, system: LabSystem): Promise<Outcome> {
  const r = await system.runShell(c.run, c.timeoutSeconds * 1000);
  const output = (r.stdout + r.stderr).trim();
  const expected =
    `\`${c.run}\` exits ${c.exit}` + (c.output !== undefined ? ` printing /${c.output}/` : '');
  const ok =
    r.code === c.exit && (c.output === undefined || new RegExp(c.output, 'm').test(output));
  const saw =
    r.code === 124
      ? `it was still running after ${c.timeoutSeconds} s`
      : `exit ${r.code}, output "${shorten(output, 120)}"`;
  return { ok, expected, saw };
}

async function scriptOutcome(c: ScriptCheck, system: LabSystem): Promise<Outcome> {
  const r = await system.runShell(c.script, c.timeoutSeconds * 1000);
  const last = (r.stdout + r.stderr).trim().split('\n').pop() ?? '';
  const expected = 'the check script exits 0';
  if (r.code === 124)
    return { ok: false, expected, saw: `the script was still running after ${c.timeoutSeconds} s` };
  return {
    ok: r.code === 0,
    expected,
    saw: `exit ${r.code}${last ? `: ${shorten(last, 120)}` : ''}`,
  };
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

export function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
