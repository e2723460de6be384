/**
 * Timeline entries in words, for `contlab timeline`, the player's panel and the presenter's
 * slide: one line per item, with a tone the screen can colour (new, gone, changed, other).
 * The engine records entries as data (engine/timeline/types.ts); the words are the UI's,
 * in the chosen language (timeline.* in locales/LANG.json). A note, and what an undo removed,
 * are said from their phrases; other text the engine wrote into an entry (an interface's
 * state) is shown as it is.
 */
import { exitOf } from '../../engine/timeline/proc-events.js';
import type { TimelineEntry, TimelineItem } from '../../engine/timeline/types.js';
import { t } from '../../i18n/messages.js';
import { say } from '../../i18n/phrase.js';
import { sayLine } from '../../engine/said-lines.js';

export type Tone = 'new' | 'gone' | 'change' | 'info';

export interface ItemText {
  text: string;
  tone: Tone;
}

/** Namespace types with a name of their own in the catalogues (timeline.nsType.*). */
const NS_TYPES = new Set(['mnt', 'uts', 'ipc', 'net', 'pid', 'user', 'cgroup', 'time']);

function nsTypeName(type: string): string {
  return NS_TYPES.has(type) ? t(`timeline.nsType.${type}`) : type;
}

function pids(list: number[]): string {
  return list.length === 1
    ? `pid ${list[0]}`
    : `pids ${list.slice(0, 4).join(', ')}${list.length > 4 ? '…' : ''}`;
}

/** `pid 1234` or `pid 1234 (1 inside)`: the host PID and the innermost one. */
function pidText(pid: number, nspid: number[]): string {
  return nspid.length > 1
    ? t('timeline.pidInside', { pid: String(pid), inside: nspid.slice(1).join(', ') })
    : `pid ${pid}`;
}

function short(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function cgroupName(path: string, hierarchy: string): string {
  const where = hierarchy === 'unified' ? '' : ` (${hierarchy})`;
  return `${path === '.' ? t('timeline.labCgroup') : t('timeline.cgroup', { path })}${where}`;
}

function netnsName(host: boolean, inode: number): string {
  return host ? t('timeline.hostNetns') : t('timeline.netns', { inode: String(inode) });
}

/** How a process ended, in the learner's language (as written, from a file without status). */
function endText(end: string, status: number | undefined): string {
  if (status === undefined) return end;
  const how = exitOf(status);
  if ('code' in how) return t('timeline.exit', { code: String(how.code) });
  return t(how.core ? 'timeline.killedCore' : 'timeline.killed', { signal: how.signal });
}

function capsText(list: string[]): string {
  return list.length > 8 ? t('timeline.capsCount', { count: list.length }) : list.join(' ');
}

function namespaceText(item: Extract<TimelineItem, { kind: 'namespace' }>): ItemText {
  const type = nsTypeName(item.type);
  const name =
    item.inode === null
      ? t('timeline.nsUnread', { type })
      : t('timeline.ns', { type, inode: String(item.inode) });
  const by = `${short(item.command, 40)} (${pids(item.pids)})`;
  switch (item.change) {
    case 'created':
      return { text: t('timeline.nsCreated', { name, by }), tone: 'new' };
    case 'created and gone':
      return {
        text: t(item.inode === null ? 'timeline.nsCreatedGoneUnread' : 'timeline.nsCreatedGone', {
          name,
          by,
        }),
        tone: 'new',
      };
    case 'joined':
      return { text: t('timeline.nsJoined', { name, by }), tone: 'change' };
    case 'gone':
      return { text: t('timeline.nsGone', { name, by }), tone: 'gone' };
  }
}

function processText(item: Extract<TimelineItem, { kind: 'process' }>): ItemText {
  const what = item.commands.map((c) => short(c, 50)).join(' → ');
  const pid = pidText(item.pid, item.nspid);
  switch (item.change) {
    case 'ran':
      return {
        text:
          item.end === null
            ? t('timeline.procRan', { pid, what })
            : t('timeline.procRanEnd', { pid, what, end: endText(item.end, item.status) }),
        tone: 'info',
      };
    case 'started':
      return { text: t('timeline.procStarted', { pid, what }), tone: 'new' };
    case 'exec':
      return { text: t('timeline.procExec', { pid, what }), tone: 'change' };
    case 'exited':
      return {
        text:
          item.end === null || item.end === 'ended'
            ? t('timeline.procExited', { pid, what })
            : t('timeline.procExitedHow', { pid, what, end: endText(item.end, item.status) }),
        tone: 'gone',
      };
  }
}

function cgroupText(item: Extract<TimelineItem, { kind: 'cgroup' }>): ItemText {
  const name = cgroupName(item.path, item.hierarchy);
  switch (item.change) {
    case 'made':
      return { text: t('timeline.cgMade', { name }), tone: 'new' };
    case 'removed':
      return { text: t('timeline.cgRemoved', { name }), tone: 'gone' };
    case 'moved':
      return {
        text: t('timeline.cgMoved', {
          pid: String(item.pid ?? '?'),
          command: short(item.command ?? '?', 30),
          name,
        }),
        tone: 'change',
      };
    case 'limit':
      return {
        text: t('timeline.cgLimit', {
          file: item.file ?? '?',
          name,
          value: `${item.before === null ? '' : `${short(item.before, 30)} → `}${short(item.after ?? '', 40)}`,
        }),
        tone: 'change',
      };
    case 'event':
      return {
        text: t('timeline.cgEvent', {
          what: item.file === 'memory.oom_kill' ? t('timeline.oomKill') : (item.file ?? '?'),
          name,
          counter: `${item.file} ${item.before} → ${item.after}`,
        }),
        tone: 'gone',
      };
  }
}

function mountText(item: Extract<TimelineItem, { kind: 'mount' }>): ItemText {
  const where = item.host ? '' : t('timeline.inMountNs', { ns: String(item.mntns) });
  const what = t('timeline.mountOn', {
    fstype: item.fstype,
    source: short(item.source, 30),
    target: short(item.mountPoint, 60),
  });
  switch (item.change) {
    case 'added':
      return {
        text: t('timeline.mounted', { what, where, propagation: item.propagation }),
        tone: 'new',
      };
    case 'removed':
      return { text: t('timeline.unmounted', { what, where }), tone: 'gone' };
    case 'propagation':
      return {
        text: t('timeline.propagation', {
          target: short(item.mountPoint, 60),
          where,
          before: item.before ?? '?',
          after: item.propagation,
        }),
        tone: 'change',
      };
  }
}

function interfaceText(item: Extract<TimelineItem, { kind: 'interface' }>): ItemText {
  const where = netnsName(item.host, item.netns);
  const peer = item.peer === null ? '' : t('timeline.peer', { peer: item.peer });
  const detail = item.detail === '' ? '' : ` (${item.detail})`;
  const name = item.name;
  switch (item.change) {
    case 'added':
      return {
        text: t('timeline.ifAdded', { type: item.type, name, where, peer, detail }),
        tone: 'new',
      };
    case 'removed':
      return { text: t('timeline.ifRemoved', { type: item.type, name, where }), tone: 'gone' };
    case 'changed':
      return {
        text: t('timeline.ifChanged', { name, where, detail: item.detail }),
        tone: 'change',
      };
  }
}

export function itemText(item: TimelineItem): ItemText {
  switch (item.kind) {
    case 'namespace':
      return namespaceText(item);
    case 'process':
      return processText(item);
    case 'processes':
      return {
        text: t('timeline.processes', {
          count: item.count,
          ran: item.ran,
          commands: item.commands.map((c) => short(c, 20)).join(', '),
        }),
        tone: 'info',
      };
    case 'cgroup':
      return cgroupText(item);
    case 'capabilities': {
      const parts = [
        item.dropped.length > 0 ? t('timeline.capsDropped', { caps: capsText(item.dropped) }) : '',
        item.added.length > 0 ? t('timeline.capsGained', { caps: capsText(item.added) }) : '',
      ].filter(Boolean);
      return {
        text: `pid ${item.pid} (${short(item.command, 30)}) ${parts.join(', ')} (${item.sets.join(', ')})`,
        tone: item.dropped.length > 0 ? 'gone' : 'new',
      };
    }
    case 'mount':
      return mountText(item);
    case 'interface':
      return interfaceText(item);
    case 'route':
      return {
        text: t(item.change === 'added' ? 'timeline.routeAdded' : 'timeline.routeRemoved', {
          route: item.route,
          netns: String(item.netns),
        }),
        tone: item.change === 'added' ? 'new' : 'gone',
      };
    case 'rule':
      return {
        text: t(item.change === 'added' ? 'timeline.ruleAdded' : 'timeline.ruleRemoved', {
          tool: item.tool,
          netns: String(item.netns),
          rule: short(item.rule, 80),
        }),
        tone: item.change === 'added' ? 'new' : 'gone',
      };
    case 'note':
      return { text: item.said === undefined ? item.text : say(item.said), tone: 'info' };
  }
}

/** `12 ms`, `1.5 s`. */
function duration(ms: number): string {
  return ms < 1000
    ? t('timeline.ms', { ms: String(ms) })
    : t('timeline.seconds', { s: (ms / 1000).toFixed(1) });
}

/** The entry's first line: `$ unshare --net true  (exit 0, 12 ms)`. */
export function entryHeading(entry: TimelineEntry): string {
  if (entry.kind === 'undo')
    return t('timeline.undoHeading', { step: String(entry.step?.number ?? '?') });
  const took = duration(Math.max(0, entry.endedAt - entry.startedAt));
  const status =
    entry.exitStatus === null
      ? took
      : t('timeline.exitTook', { code: String(entry.exitStatus), took });
  return `$ ${entry.command}  (${status})`;
}

/** The entry's other lines (items; for an undo, what it removed). */
export function entryLines(entry: TimelineEntry): ItemText[] {
  if (entry.kind === 'undo') {
    const lines: ItemText[] = (entry.undone ?? []).map((what) => ({
      text: t('timeline.removed', { what: sayLine(entry.said, what) }),
      tone: 'gone',
    }));
    for (const what of entry.errors ?? [])
      lines.push({
        text: t('timeline.couldNotRemove', { what: sayLine(entry.said, what) }),
        tone: 'change',
      });
    if (lines.length === 0) lines.push({ text: t('timeline.nothingToUndo'), tone: 'info' });
    return lines;
  }
  if (entry.items.length === 0) return [{ text: t('timeline.noChange'), tone: 'info' }];
  return entry.items.map(itemText);
}

/** The whole entry as plain text lines (the CLI). */
export function entryText(entry: TimelineEntry): string[] {
  const step =
    entry.step === null ? '' : `  ${t('timeline.stepTag', { n: String(entry.step.number) })}`;
  return [`${entryHeading(entry)}${step}`, ...entryLines(entry).map((l) => `  ${l.text}`)];
}
