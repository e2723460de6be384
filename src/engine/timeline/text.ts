/**
 * Timeline entries in words, for `contlab timeline`, the player's panel and the presenter's
 * slide: one line per item, with a tone the screen can colour (new, gone, changed, other).
 */
import type { TimelineEntry, TimelineItem } from './types.js';

export type Tone = 'new' | 'gone' | 'change' | 'info';

export interface ItemText {
  text: string;
  tone: Tone;
}

const NS_NAMES: Record<string, string> = {
  mnt: 'mount',
  uts: 'UTS',
  ipc: 'IPC',
  net: 'network',
  pid: 'PID',
  user: 'user',
  cgroup: 'cgroup',
  time: 'time',
};

function pids(list: number[]): string {
  return list.length === 1
    ? `pid ${list[0]}`
    : `pids ${list.slice(0, 4).join(', ')}${list.length > 4 ? '…' : ''}`;
}

/** `1234` or `1234 (1 inside)`: the host PID and the innermost one. */
function pidText(pid: number, nspid: number[]): string {
  return nspid.length > 1 ? `${pid} (${nspid.slice(1).join(', ')} inside)` : `${pid}`;
}

function short(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function cgroupName(path: string, hierarchy: string): string {
  const where = hierarchy === 'unified' ? '' : ` (${hierarchy})`;
  return `${path === '.' ? "the lab's cgroup" : `cgroup ${path}`}${where}`;
}

function netnsName(host: boolean, inode: number): string {
  return host ? "the host's network namespace" : `net namespace ${inode}`;
}

export function itemText(item: TimelineItem): ItemText {
  switch (item.kind) {
    case 'namespace': {
      const name = `${NS_NAMES[item.type] ?? item.type} namespace${item.inode === null ? '' : ` ${item.inode}`}`;
      const by = `${short(item.command, 40)} (${pids(item.pids)})`;
      switch (item.change) {
        case 'created':
          return { text: `${name} created by ${by}`, tone: 'new' };
        case 'created and gone':
          return {
            text: `${name} created and gone with it: ${by}${item.inode === null ? ' (ended too soon to read its number)' : ''}`,
            tone: 'new',
          };
        case 'joined':
          return { text: `${name} joined by ${by}`, tone: 'change' };
        case 'gone':
          return { text: `${name} gone (its last process ended: ${by})`, tone: 'gone' };
      }
      break;
    }
    case 'process': {
      const what = item.commands.map((c) => short(c, 50)).join(' → ');
      const pid = `pid ${pidText(item.pid, item.nspid)}`;
      switch (item.change) {
        case 'ran':
          return {
            text: `${pid} ran ${what}${item.end === null ? '' : `, ${item.end}`}`,
            tone: 'info',
          };
        case 'started':
          return { text: `${pid} started ${what}, still running`, tone: 'new' };
        case 'exec':
          return { text: `${pid} now runs ${what}`, tone: 'change' };
        case 'exited':
          return {
            text: `${pid} ${what} ended${item.end === null || item.end === 'ended' ? '' : ` (${item.end})`}`,
            tone: 'gone',
          };
      }
      break;
    }
    case 'processes':
      return {
        text: `and ${item.count} more processes (${item.ran} ended): ${item.commands.map((c) => short(c, 20)).join(', ')}`,
        tone: 'info',
      };
    case 'cgroup': {
      const name = cgroupName(item.path, item.hierarchy);
      switch (item.change) {
        case 'made':
          return { text: `${name} made`, tone: 'new' };
        case 'removed':
          return { text: `${name} removed`, tone: 'gone' };
        case 'moved':
          return {
            text: `pid ${item.pid} (${short(item.command ?? '?', 30)}) moved into ${name}`,
            tone: 'change',
          };
        case 'limit':
          return {
            text: `${item.file} of ${name}: ${item.before === null ? '' : `${short(item.before, 30)} → `}${short(item.after ?? '', 40)}`,
            tone: 'change',
          };
        case 'event':
          return {
            text: `${item.file === 'memory.oom_kill' ? 'OOM kill' : item.file} in ${name}: ${item.file} ${item.before} → ${item.after}`,
            tone: 'gone',
          };
      }
      break;
    }
    case 'capabilities': {
      const parts = [
        item.dropped.length > 0
          ? `dropped ${item.dropped.length > 8 ? `${item.dropped.length} capabilities` : item.dropped.join(' ')}`
          : '',
        item.added.length > 0
          ? `gained ${item.added.length > 8 ? `${item.added.length} capabilities` : item.added.join(' ')}`
          : '',
      ].filter(Boolean);
      return {
        text: `pid ${item.pid} (${short(item.command, 30)}) ${parts.join(', ')} (${item.sets.join(', ')})`,
        tone: item.dropped.length > 0 ? 'gone' : 'new',
      };
    }
    case 'mount': {
      const where = item.host ? '' : ` in mount namespace ${item.mntns}`;
      const what = `${item.fstype} ${short(item.source, 30)} on ${short(item.mountPoint, 60)}`;
      switch (item.change) {
        case 'added':
          return { text: `mounted ${what}${where} (${item.propagation})`, tone: 'new' };
        case 'removed':
          return { text: `unmounted ${what}${where}`, tone: 'gone' };
        case 'propagation':
          return {
            text: `propagation of ${short(item.mountPoint, 60)}${where}: ${item.before} → ${item.propagation}`,
            tone: 'change',
          };
      }
      break;
    }
    case 'interface': {
      const where = netnsName(item.host, item.netns);
      const peer = item.peer === null ? '' : `, peer ${item.peer}`;
      const detail = item.detail === '' ? '' : ` (${item.detail})`;
      switch (item.change) {
        case 'added':
          return {
            text: `${item.type} ${item.name} added in ${where}${peer}${detail}`,
            tone: 'new',
          };
        case 'removed':
          return { text: `${item.type} ${item.name} removed from ${where}`, tone: 'gone' };
        case 'changed':
          return { text: `${item.name} in ${where}: ${item.detail}`, tone: 'change' };
      }
      break;
    }
    case 'route':
      return {
        text: `route ${item.route} ${item.change} in net namespace ${item.netns}`,
        tone: item.change === 'added' ? 'new' : 'gone',
      };
    case 'rule':
      return {
        text: `${item.tool} rule ${item.change} in net namespace ${item.netns}: ${short(item.rule, 80)}`,
        tone: item.change === 'added' ? 'new' : 'gone',
      };
    case 'note':
      return { text: item.text, tone: 'info' };
  }
  return { text: '', tone: 'info' };
}

/** The entry's first line: `$ unshare --net true  (exit 0, 12 ms)`. */
export function entryHeading(entry: TimelineEntry): string {
  if (entry.kind === 'undo')
    return `undo: step ${entry.step?.number ?? '?'} back to where it began`;
  const ms = Math.max(0, entry.endedAt - entry.startedAt);
  const took = ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
  const status = entry.exitStatus === null ? '' : `exit ${entry.exitStatus}, `;
  return `$ ${entry.command}  (${status}${took})`;
}

/** The entry's other lines (items; for an undo, what it removed). */
export function entryLines(entry: TimelineEntry): ItemText[] {
  if (entry.kind === 'undo') {
    const lines: ItemText[] = (entry.undone ?? []).map((text) => ({
      text: `removed ${text}`,
      tone: 'gone',
    }));
    for (const e of entry.errors ?? [])
      lines.push({ text: `could not remove ${e}`, tone: 'change' });
    if (lines.length === 0)
      lines.push({ text: 'nothing to undo: the kernel was as the step found it', tone: 'info' });
    return lines;
  }
  if (entry.items.length === 0) return [{ text: 'no kernel object changed', tone: 'info' }];
  return entry.items.map(itemText);
}

/** The whole entry as plain text lines (the CLI). */
export function entryText(entry: TimelineEntry): string[] {
  const step = entry.step === null ? '' : `  [step ${entry.step.number}]`;
  return [`${entryHeading(entry)}${step}`, ...entryLines(entry).map((l) => `  ${l.text}`)];
}
