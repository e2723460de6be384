/**
 * The check kinds that ask more than /proc: two processes sharing a namespace, a container's
 * state as its runtime reports it, and the hostname a process sees in its UTS namespace.
 */
import type { ProcessInfo } from '../../engine/observer/index.js';
import type { CheckContext } from './context.js';
import { describeProc, matching, shorten, where, type Outcome } from './evaluate.js';
import { expandLabVars } from './expand.js';
import type { LabSystem } from './system.js';
import type { HostnameInCheck, SharesNamespaceCheck, StatusCheck } from './types.js';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export async function sharesOutcome(
  c: SharesNamespaceCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const types = c.namespaces.join(', ');
  const other = c.with === 'host' ? "the host's" : `those of a process matching /${c.with}/`;
  const expected = `a process matching /${c.process}/ ${where(c.scope)} ${c.shares ? 'in the same' : 'in other'} ${types} namespace${c.namespaces.length > 1 ? 's' : ''} as ${other}`;
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: `no such process ${where(c.scope)}` };
  let refs: { pid: number; label: string; ns: ProcessInfo['namespaces'] }[];
  if (c.with === 'host') refs = [{ pid: 0, label: 'the host', ns: await system.hostNamespaces() }];
  else {
    const others = await matching(c.with, c.scope, ctx, system);
    if (others.length === 0)
      return { ok: false, expected, saw: `no process matching /${c.with}/ ${where(c.scope)}` };
    refs = others.map((o) => ({ pid: o.pid, label: describeProc(o), ns: o.namespaces }));
  }
  let first: string | undefined;
  for (const p of ps)
    for (const ref of refs) {
      if (p.pid === ref.pid) continue;
      const same = c.namespaces.filter((t) => p.namespaces[t] === ref.ns[t]);
      const differ = c.namespaces.filter((t) => p.namespaces[t] !== ref.ns[t]);
      const ok = c.shares ? differ.length === 0 : same.length === 0;
      const saw = c.shares
        ? differ.length === 0
          ? `${describeProc(p)} shares ${types} with ${ref.label}`
          : `${describeProc(p)} has its own ${differ.join(', ')} namespace, not ${ref.label}'s`
        : same.length === 0
          ? `${describeProc(p)} has ${types} namespaces of its own`
          : `${describeProc(p)} still shares ${same.join(', ')} with ${ref.label}`;
      if (ok) return { ok, expected, saw };
      first ??= saw;
    }
  return { ok: false, expected, saw: first ?? 'nothing to compare' };
}

/** What the runtime says of the container: its state word, and an exit code when it has one. */
interface Reported {
  state: string;
  exitCode?: number;
  source: string;
}

async function reported(c: StatusCheck, ctx: CheckContext, system: LabSystem): Promise<Reported> {
  const id = quote(c.container);
  switch (c.via) {
    case 'runc':
    case 'contlab-runtime': {
      const root = quote(expandLabVars(c.root ?? '', ctx.env));
      const source = `${c.via} --root ${c.root ?? ''} state ${c.container}`;
      const r = await system.runShell(`${c.via} --root ${root} state ${id}`, 10_000);
      if (r.code !== 0) return { state: 'absent', source };
      const m = /"status"\s*:\s*"([a-z]+)"/.exec(r.stdout);
      return { state: m?.[1] ?? 'unreadable', source };
    }
    case 'containerd': {
      const ns = c.namespace ?? ctx.env.CONTAINERD_NAMESPACE ?? 'default';
      const source = `ctr -n ${ns} tasks ls`;
      const r = await system.runShell(`ctr --connect-timeout 2s -n ${quote(ns)} tasks ls`, 10_000);
      if (r.code !== 0) return { state: `unreadable (${shorten(r.stderr.trim(), 80)})`, source };
      const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[0] === c.container);
      const state = line?.trim().split(/\s+/)[2]?.toLowerCase();
      return { state: state ?? 'absent', source };
    }
    case 'docker': {
      const source = `docker inspect ${c.container}`;
      const r = await system.runShell(
        `docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' ${id}`,
        10_000,
      );
      if (r.code !== 0) return { state: 'absent', source };
      const [state, code] = r.stdout.trim().split(/\s+/);
      return { state: state ?? 'unreadable', exitCode: Number(code), source };
    }
  }
}

export async function statusOutcome(
  c: StatusCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const expected =
    (c.state === 'absent'
      ? `no container ${c.container} (${c.via})`
      : `container ${c.container} ${c.state} (${c.via})`) +
    (c.exitCode === undefined ? '' : ` with exit code ${c.exitCode}`);
  const r = await reported(c, ctx, system);
  const codeOk = c.exitCode === undefined || r.exitCode === c.exitCode;
  const saw =
    r.state === 'absent'
      ? `${r.source}: no container ${c.container}`
      : `${r.source}: ${r.state}${r.exitCode === undefined ? '' : `, exit code ${r.exitCode}`}`;
  return { ok: r.state === c.state && codeOk, expected, saw };
}

export async function hostnameOutcome(
  c: HostnameInCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const expected = `a process matching /${c.process}/ ${where(c.scope)} that sees the hostname ${c.equals}`;
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: `no such process ${where(c.scope)}` };
  let first: string | undefined;
  for (const p of ps) {
    // /proc/sys/kernel/hostname shows the reader's UTS namespace: read it from inside p's.
    const r = await system.runShell(
      `nsenter --target ${p.pid} --uts cat /proc/sys/kernel/hostname`,
      5000,
    );
    const name = r.stdout.trim();
    const saw =
      r.code === 0 ? `${describeProc(p)} sees the hostname ${name}` : `${describeProc(p)} is gone`;
    if (r.code === 0 && name === c.equals) return { ok: true, expected, saw };
    first ??= saw;
  }
  return { ok: false, expected, saw: first ?? 'no readable hostname' };
}
