/**
 * The inspect report as text for a terminal. Every cgroup value is printed next to the file
 * it came from, because those file names are what a learner will type next.
 */
import type { Limit, Reading } from './cgroup-values.js';
import type { CgroupStats } from './cgroup-stats.js';
import type { InspectReport } from './inspect-report.js';
import { renderTree } from './tree.js';

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A byte count in binary units, as the report and the UI panels show it (`64.0 MiB`). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

type Format = (v: never) => string;

function line(label: string, r: Reading<unknown> | null, format?: Format): string[] {
  if (r === null) return [];
  let shown: string;
  if (r.value === null) shown = '(absent)';
  else if (format !== undefined) shown = format(r.value as never);
  else shown = typeof r.value === 'object' ? JSON.stringify(r.value) : String(r.value);
  return [`    ${label.padEnd(18)} ${shown.padEnd(24)} ${basename(r.file)}`];
}

const limitBytes = (v: Limit): string => (v === 'max' ? 'max (no limit)' : formatBytes(v));
const limitPlain = (v: Limit): string => (v === 'max' ? 'max (no limit)' : String(v));

function cgroupLines(s: CgroupStats): string[] {
  const out: string[] = [];
  if (s.memory) {
    out.push(`  memory (v${s.memory.version})  ${s.memory.dir}`);
    out.push(...line('current', s.memory.current, formatBytes as Format));
    out.push(...line('max', s.memory.max, limitBytes as Format));
    out.push(...line('high', s.memory.high, limitBytes as Format));
    out.push(...line('peak', s.memory.peak, formatBytes as Format));
    out.push(...line('swap current', s.memory.swapCurrent, formatBytes as Format));
    out.push(...line('swap max', s.memory.swapMax, limitBytes as Format));
    out.push(...line('memory+swap max', s.memory.memswMax, limitBytes as Format));
    out.push(...line('OOM kills', s.memory.oomKills));
  }
  if (s.cpu) {
    out.push(`  cpu (v${s.cpu.version})  ${s.cpu.dir}`);
    out.push(...line('weight', s.cpu.weight));
    out.push(...line('shares', s.cpu.shares));
    out.push(...line('quota (µs)', s.cpu.quota, limitPlain as Format));
    out.push(...line('period (µs)', s.cpu.period));
    out.push(...line('usage (µs)', s.cpu.usageUsec));
    out.push(...line('throttled periods', s.cpu.throttledPeriods));
    out.push(...line('throttled (µs)', s.cpu.throttledUsec));
  }
  if (s.pids) {
    out.push(`  pids (v${s.pids.version})  ${s.pids.dir}`);
    out.push(...line('current', s.pids.current));
    out.push(...line('max', s.pids.max, limitPlain as Format));
    out.push(...line('events', s.pids.events));
  }
  if (s.io) {
    out.push(`  io (v${s.io.version})  ${s.io.dir}`);
    for (const r of s.io.limits) {
      const text = r.value === null ? null : r.value.map((l) => `${l.device} ${l.key}=${l.value}`);
      out.push(...line('limits', { file: r.file, value: text?.join(' ') || 'none' }));
    }
  }
  if (s.freezer) {
    out.push(`  freezer (v${s.freezer.version})  ${s.freezer.dir}`);
    out.push(...line('state', s.freezer.state));
    out.push(...line('requested', s.freezer.requested));
  }
  return out;
}

export function renderReport(r: InspectReport): string {
  const p = r.process;
  const out: string[] = [];
  out.push(`process ${p.pid}  ${p.command}`);
  out.push(`  parent ${p.ppid}, state ${p.state}, ${p.threads} thread(s)`);
  out.push(`  uid ${p.uid?.effective ?? '?'}  gid ${p.gid?.effective ?? '?'}`);
  out.push(`  PID in each PID namespace (host first): ${p.nspid.join(' → ')}`);
  out.push(`  no_new_privs ${p.noNewPrivs ?? '?'}, seccomp ${p.seccomp ?? '?'}`);
  out.push(`  root directory differs from the host's: ${p.rootDiffersFromHost ?? 'unknown'}`);
  out.push('', 'namespaces (inode, * = not the host one)');
  for (const n of r.namespaces) {
    const mark = n.differsFromHost ? '*' : ' ';
    out.push(`  ${mark} ${n.type.padEnd(18)} ${n.inode ?? '(unreadable)'}`);
  }
  if (r.capabilities) {
    out.push('', 'capabilities');
    for (const [set, c] of Object.entries(r.capabilities)) {
      const dropped = c.vsHost?.dropped ?? [];
      const extra = dropped.length > 0 ? `  (vs host: -${dropped.join(',-')})` : '';
      out.push(`  ${set.padEnd(12)} ${c.hex}  ${c.names.length} caps${extra}`);
    }
  }
  if (r.cgroups.stats)
    out.push('', `cgroups (${r.kernel.cgroupMode})`, ...cgroupLines(r.cgroups.stats));
  if (r.mounts) {
    out.push(
      '',
      `mounts: ${r.mounts.count}, ${r.mounts.addedVsHost.length} not in the host's table`,
    );
    for (const m of r.mounts.addedVsHost.slice(0, 20)) {
      out.push(`  + ${m.mountPoint}  ${m.fstype} ${m.source} (${m.propagation})`);
    }
    for (const o of r.mounts.overlays) {
      out.push(`  overlay ${o.mountPoint}: lower ${o.layers.lowerdir.join(':')}`);
      out.push(`    upper ${o.layers.upperdir ?? '-'}  work ${o.layers.workdir ?? '-'}`);
    }
  }
  if (r.network) {
    out.push('', `network namespace ${r.network.netns ?? '?'}`);
    for (const i of r.network.interfaces ?? []) {
      const addrs = i.addresses.map((a) => `${a.address}/${a.prefixlen}`).join(' ');
      out.push(`  ${i.name.padEnd(16)} ${i.kind.padEnd(9)} ${i.state.padEnd(8)} ${addrs}`);
    }
    for (const v of r.network.veth) {
      const who = v.peerPid === null ? '' : ` (pid ${v.peerPid} ${v.peerCommand ?? ''})`;
      out.push(`  veth ${v.local} ⇄ ${v.peer} in net ns ${v.peerNetns}${who}`);
    }
  }
  if (r.tree) out.push('', 'process tree', ...renderTree(r.tree).map((l) => `  ${l}`));
  return out.join('\n') + '\n';
}
