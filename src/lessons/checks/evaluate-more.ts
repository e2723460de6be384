/**
 * The check kinds that ask more than /proc: two processes sharing a namespace, a container's
 * state as its runtime reports it, and the hostname a process sees in its UTS namespace.
 */
import type { ProcessInfo } from '../../engine/observer/index.js';
import { phrase, type PhraseValue } from '../../i18n/phrase.js';
import type { CheckContext } from './context.js';
import {
  describeProc,
  inTurn,
  matching,
  matchingProcess,
  noSuchProcess,
  shorten,
  where,
  type Outcome,
} from './evaluate.js';
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
  const other =
    c.with === 'host'
      ? phrase('check.shares.hosts')
      : phrase('check.shares.thoseOf', { match: c.with });
  const expected = phrase(c.shares ? 'check.shares.expectedSame' : 'check.shares.expectedOther', {
    process: matchingProcess(c.process, c.scope),
    types,
    count: c.namespaces.length,
    other,
  });
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: noSuchProcess(c.scope) };
  let refs: { pid: number; label: PhraseValue; ns: ProcessInfo['namespaces'] }[];
  if (c.with === 'host')
    refs = [{ pid: 0, label: phrase('check.shares.host'), ns: await system.hostNamespaces() }];
  else {
    const others = await matching(c.with, c.scope, ctx, system);
    if (others.length === 0)
      return {
        ok: false,
        expected,
        saw: phrase('check.noProcessMatching', { match: c.with, where: where(c.scope) }),
      };
    refs = others.map((o) => ({ pid: o.pid, label: describeProc(o), ns: o.namespaces }));
  }
  let first: PhraseValue | undefined;
  for (const p of ps)
    for (const ref of refs) {
      if (p.pid === ref.pid) continue;
      const same = c.namespaces.filter((t) => p.namespaces[t] === ref.ns[t]);
      const differ = c.namespaces.filter((t) => p.namespaces[t] !== ref.ns[t]);
      const ok = c.shares ? differ.length === 0 : same.length === 0;
      const proc = describeProc(p);
      const saw = c.shares
        ? differ.length === 0
          ? phrase('check.shares.shares', { proc, types, other: ref.label })
          : phrase('check.shares.ownNotTheirs', {
              proc,
              types: differ.join(', '),
              other: ref.label,
            })
        : same.length === 0
          ? phrase('check.shares.allOwn', { proc, types })
          : phrase('check.shares.stillShares', { proc, types: same.join(', '), other: ref.label });
      if (ok) return { ok, expected, saw };
      first ??= saw;
    }
  return { ok: false, expected, saw: first ?? phrase('check.shares.nothing') };
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
  const state =
    c.state === 'absent'
      ? phrase('check.status.absent', { container: c.container, via: c.via })
      : phrase('check.status.state', { container: c.container, state: c.state, via: c.via });
  const expected = inTurn(
    state,
    c.exitCode === undefined ? [] : [phrase('check.status.withCode', { code: String(c.exitCode) })],
  );
  const r = await reported(c, ctx, system);
  const codeOk = c.exitCode === undefined || r.exitCode === c.exitCode;
  const saw =
    r.state === 'absent'
      ? phrase('check.status.sawAbsent', { source: r.source, container: c.container })
      : r.exitCode === undefined
        ? phrase('check.status.saw', { source: r.source, state: r.state })
        : phrase('check.status.sawCode', {
            source: r.source,
            state: r.state,
            code: String(r.exitCode),
          });
  return { ok: r.state === c.state && codeOk, expected, saw };
}

export async function hostnameOutcome(
  c: HostnameInCheck,
  ctx: CheckContext,
  system: LabSystem,
): Promise<Outcome> {
  const expected = phrase('check.hostname.expected', {
    process: matchingProcess(c.process, c.scope),
    name: c.equals,
  });
  const ps = await matching(c.process, c.scope, ctx, system);
  if (ps.length === 0) return { ok: false, expected, saw: noSuchProcess(c.scope) };
  let first: PhraseValue | undefined;
  for (const p of ps) {
    // /proc/sys/kernel/hostname shows the reader's UTS namespace: read it from inside p's.
    const r = await system.runShell(
      `nsenter --target ${p.pid} --uts cat /proc/sys/kernel/hostname`,
      5000,
    );
    const name = r.stdout.trim();
    const saw =
      r.code === 0
        ? phrase('check.hostname.sees', { proc: describeProc(p), name })
        : phrase('check.hostname.gone', { proc: describeProc(p) });
    if (r.code === 0 && name === c.equals) return { ok: true, expected, saw };
    first ??= saw;
  }
  return { ok: false, expected, saw: first ?? phrase('check.hostname.none') };
}
