/**
 * Evaluating checks against the system. Each result says what was seen and what was
 * expected, in words a learner can act on, naming the real file a value came from. They are
 * said as phrases (message IDs and values, src/i18n/phrase.ts): the result keeps their
 * English for --json, and whoever shows them says them in the learner's language.
 */
import { english, phrase, phraseList, type Phrase, type PhraseValue } from '../../i18n/phrase.js';
import {
  commandOf,
  decodeCaps,
  differingNamespaces,
  parseCapMask,
  type MountEntry,
  type ProcessInfo,
} from '../../engine/observer/index.js';
import { scaled } from '../../engine/time-scale.js';
import type { CheckContext } from './context.js';
import { sizePhrase } from './sizes.js';
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

/** What one check found, in phrases: evaluateCheck adds their English. */
export interface Outcome {
  ok: boolean;
  saw: PhraseValue;
  expected: PhraseValue;
}

/** Qualifiers said one after another (`a process ... in cgroup x with its root at /r`). */
export const inTurn = (first: Phrase, more: Phrase[]): PhraseValue =>
  more.length === 0 ? first : phraseList('check.join.then', [first, ...more]);

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
  const { ok, saw, expected } = await outcomeOf(check, ctx, system);
  return { check, ok, saw: english(saw), expected: english(expected), said: { saw, expected } };
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

export const where = (scope: 'lab' | 'host'): Phrase =>
  phrase(scope === 'lab' ? 'check.where.lab' : 'check.where.host');
export const describeProc = (p: ProcessInfo): Phrase =>
  phrase('check.proc', { pid: String(p.pid), command: shorten(commandOf(p), 60) });
export const noSuchProcess = (scope: 'lab' | 'host'): Phrase =>
  phrase('check.noProcess', { where: where(scope) });
/** `a process matching /re/ in the lab`: how most checks name the process they look for. */
export const matchingProcess = (pattern: string, scope: 'lab' | 'host'): Phrase =>
  phrase('check.matching', { match: pattern, where: where(scope) });

async function processOutcome(
  c: ProcessCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const wanted = c.namespaces;
  const group = c.inCgroup === undefined ? undefined : cgroupPath(ctx, c.inCgroup);
  const root = c.root === undefined ? undefined : trimSlash(expandLabVars(c.root, ctx.env));
  const expected = inTurn(matchingProcess(c.match, c.scope), [
    ...(wanted.length > 0 ? [phrase('check.process.ownNs', { types: wanted.join(', ') })] : []),
    ...(c.inCgroup === undefined ? [] : [phrase('check.process.inCgroup', { cgroup: c.inCgroup })]),
    ...(root === undefined ? [] : [phrase('check.process.rootAt', { root })]),
  ]);
  const ps = await matching(c.match, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: noSuchProcess(c.scope) };
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
  const problems: Phrase[] = [
    ...(best.shared.length > 0
      ? [phrase('check.process.sharesHost', { types: best.shared.join(', ') })]
      : []),
    ...(best.inGroup
      ? []
      : [phrase('check.process.isInCgroup', { cgroup: cgroupOf(best.p, ctx) })]),
    ...(best.rootOk ? [] : [phrase('check.process.hasRootAt', { root: best.itsRoot ?? '?' })]),
  ];
  const saw = phrase('check.process.but', {
    proc: describeProc(best.p),
    problems: phraseList('check.join.and', problems),
  });
  return { ok: false, expected, saw };
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
  const show = (v: number | 'max'): PhraseValue =>
    c.controller === 'memory' ? sizePhrase(v) : String(v);
  const expected = phrase('check.limit.expected', {
    controller: c.controller,
    cgroup: c.cgroup,
    value: show(c.equals),
  });
  const reading =
    c.controller === 'memory'
      ? stats.memory?.max
      : c.controller === 'pids'
        ? stats.pids?.max
        : stats.cpu?.quota;
  if (reading === undefined)
    return { ok: false, expected, saw: phrase('check.noController', { controller: c.controller }) };
  if (reading.value === null)
    return {
      ok: false,
      expected,
      saw: phrase('check.limit.noFile', { file: reading.file, cgroup: c.cgroup }),
    };
  return {
    ok: reading.value === c.equals,
    expected,
    saw: phrase('check.fileEquals', { file: reading.file, value: show(reading.value) }),
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
    ...(c.rose ? [phrase('check.oom.above', { base: String(base) })] : []),
    ...(c.atLeast !== undefined ? [phrase('check.oom.atLeast', { n: String(c.atLeast) })] : []),
  ];
  const expected = phrase('check.oom.expected', {
    cgroup: c.cgroup,
    what: parts.length > 0 ? phraseList('check.join.and', parts) : phrase('check.oom.readable'),
  });
  const stats = await system.cgroupStats(path);
  const reading = stats.memory?.oomKills;
  if (reading === undefined)
    return { ok: false, expected, saw: phrase('check.noController', { controller: 'memory' }) };
  if (reading.value === null)
    return { ok: false, expected, saw: phrase('check.oom.noCount', { file: reading.file }) };
  const ok =
    (!c.rose || reading.value > base) && (c.atLeast === undefined || reading.value >= c.atLeast);
  return {
    ok,
    expected,
    saw: phrase('check.oom.saw', { n: String(reading.value), file: reading.file }),
  };
}

async function capabilityOutcome(
  c: CapabilityCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const cap = c.capability.toUpperCase();
  const expected = phrase(c.has ? 'check.cap.expectedWith' : 'check.cap.expectedWithout', {
    match: c.process,
    cap,
    set: c.set,
  });
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: noSuchProcess(c.scope) };
  const holds = (p: ProcessInfo): boolean | undefined => {
    const hex = p.caps?.[c.set];
    return hex === undefined ? undefined : decodeCaps(parseCapMask(hex)).includes(c.capability);
  };
  const good = ps.find((p) => holds(p) === c.has);
  if (good !== undefined) return { ok: true, expected, saw: describeProc(good) };
  const first = ps[0] as ProcessInfo;
  const state =
    holds(first) === undefined
      ? 'check.cap.unreadable'
      : c.has
        ? 'check.cap.lacks'
        : 'check.cap.has';
  return { ok: false, expected, saw: phrase(state, { proc: describeProc(first), cap }) };
}

async function fileOutcome(c: FileCheck, ctx: CheckContext, system: LabSystem): Promise<Outcome> {
  const shown = expandLabVars(c.path, ctx.env);
  let path = shown;
  let subject: PhraseValue = shown;
  if (c.process !== undefined) {
    const ps = await matching(c.process, c.scope, ctx, system);
    const p = ps[0];
    const expected = phrase('check.file.lookInside', {
      process: matchingProcess(c.process, c.scope),
    });
    if (p === undefined) return { ok: false, expected, saw: noSuchProcess(c.scope) };
    path = `/proc/${p.pid}/root${shown}`;
    subject = phrase('check.file.insideRoot', { path: shown, proc: describeProc(p) });
  }
  const state = phrase(c.exists ? 'check.file.exists' : 'check.file.notExists', { path: subject });
  const expected =
    c.contains === undefined
      ? state
      : phraseList('check.join.and', [
          state,
          phrase('check.file.contains', { pattern: c.contains }),
        ]);
  const exists = await system.exists(path);
  if (!c.exists)
    return {
      ok: !exists,
      expected,
      saw: phrase(exists ? 'check.file.exists' : 'check.file.absent', { path }),
    };
  if (!exists) return { ok: false, expected, saw: phrase('check.file.notExists', { path }) };
  if (c.contains === undefined)
    return { ok: true, expected, saw: phrase('check.file.exists', { path }) };
  const text = (await system.readFile(path)) ?? '';
  const ok = new RegExp(expandLabVars(c.contains, ctx.env), 'm').test(text);
  return {
    ok,
    expected,
    saw: phrase('check.file.holds', { path, text: shorten(text.trim(), 80) }),
  };
}

async function mountOutcome(c: MountCheck, ctx: CheckContext, system: LabSystem): Promise<Outcome> {
  const target = expandLabVars(c.target, ctx.env);
  const what = `${target}${c.fstype === undefined ? '' : ` (${c.fstype})`}`;
  const mounted = phrase(c.exists ? 'check.mount.mounted' : 'check.mount.notMounted', {
    what,
    process: matchingProcess(c.process, c.scope),
  });
  const expected =
    c.onHost === undefined
      ? mounted
      : phraseList('check.join.tail', [
          mounted,
          phrase(c.onHost ? 'check.mount.alsoOnHost' : 'check.mount.notOnHost'),
        ]);
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: noSuchProcess(c.scope) };
  const find = (mounts: MountEntry[] | undefined): MountEntry | undefined =>
    mounts?.find(
      (m) => m.mountPoint === target && (c.fstype === undefined || m.fstype === c.fstype),
    );
  // What the host has, said after what the process sees (when the check asks about it).
  let host: Phrase | undefined;
  const withHost = (seen: Phrase): PhraseValue =>
    host === undefined ? seen : phraseList('check.join.tail', [seen, host]);
  if (c.onHost !== undefined) {
    const onHost = find(await system.mounts(1)) !== undefined;
    host = phrase(onHost ? 'check.mount.hostHasIt' : 'check.mount.hostLacksIt');
    if (onHost !== c.onHost) {
      const p = ps[0] as ProcessInfo;
      return {
        ok: false,
        expected,
        saw: withHost(describeMount(find(await system.mounts(p.pid)), what, p)),
      };
    }
  }
  let first: PhraseValue | undefined;
  for (const p of ps) {
    const found = find(await system.mounts(p.pid));
    const saw = withHost(describeMount(found, what, p));
    if ((found !== undefined) === c.exists) return { ok: true, expected, saw };
    first ??= saw;
  }
  return { ok: false, expected, saw: first ?? phrase('check.mount.noTable') };
}

function describeMount(m: MountEntry | undefined, what: string, p: ProcessInfo): Phrase {
  return m === undefined
    ? phrase('check.mount.none', { proc: describeProc(p), what })
    : phrase('check.mount.sees', {
        proc: describeProc(p),
        point: m.mountPoint,
        fstype: m.fstype,
        source: m.source,
      });
}

/**
 * The time a check really had, to say in its result: run() stretches every limit by the
 * machine's time scale (an emulated VM sets CONTLAB_TIME_SCALE=3), so 10 s there is 30.
 */
function limitSeconds(seconds: number): number {
  return scaled(seconds * 1000) / 1000;
}

async function commandOutcome(c: CommandCheck, system: LabSystem): Promise<Outcome> {
  const secs = limitSeconds(c.timeoutSeconds);
  const r = await system.runShell(c.run, c.timeoutSeconds * 1000);
  const output = (r.stdout + r.stderr).trim();
  const expected =
    c.output === undefined
      ? phrase('check.command.exits', { run: c.run, code: String(c.exit) })
      : phrase('check.command.exitsPrinting', {
          run: c.run,
          code: String(c.exit),
          pattern: c.output,
        });
  const ok =
    r.code === c.exit && (c.output === undefined || new RegExp(c.output, 'm').test(output));
  const saw =
    r.code === 124
      ? phrase('check.command.stillRunning', { secs: String(secs) })
      : phrase('check.command.saw', { code: String(r.code), output: shorten(output, 120) });
  return { ok, expected, saw };
}

async function scriptOutcome(c: ScriptCheck, system: LabSystem): Promise<Outcome> {
  const secs = limitSeconds(c.timeoutSeconds);
  const r = await system.runShell(c.script, c.timeoutSeconds * 1000);
  const last = (r.stdout + r.stderr).trim().split('\n').pop() ?? '';
  const expected = phrase('check.script.expected');
  if (r.code === 124)
    return {
      ok: false,
      expected,
      saw: phrase('check.script.stillRunning', { secs: String(secs) }),
    };
  const code = String(r.code);
  return {
    ok: r.code === 0,
    expected,
    saw: last
      ? phrase('check.exitSaying', { code, last: shorten(last, 120) })
      : phrase('check.exit', { code }),
  };
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

export function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
