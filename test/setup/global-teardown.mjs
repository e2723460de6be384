/**
 * jest globalTeardown: fails the run when a test left a process of its own running (an app
 * in a pty whose test failed before it ended it): it would keep jest waiting forever, and
 * CI with it. Those processes, children of this jest, are named, then ended by PID. Then
 * the empty home of empty-home.mjs is removed. It also names what else is still open in
 * jest's own process (the files run in it, one after another: maxWorkers 1), a server or a
 * timer a test did not close: jest's --forceExit says "Force exiting Jest" in every run,
 * open handle or not, so this line is the one that tells.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';

/** State and parent PID of a process (fields 3 and 4 of /proc/PID/stat), if it is there. */
function statOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

function commandOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** This process's children that still run (a zombie only waits to be reaped). */
function runningChildren() {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const stat = statOf(pid);
      return stat !== undefined && stat.ppid === process.pid && stat.state !== 'Z';
    });
}

/** Jest's own: the pipes of its output and their pending closes. */
const JEST_OWN = new Set(['PipeWrap', 'TTYWrap', 'CloseReq', 'FSReqCallback']);

/** What keeps this process alive besides jest's own output, counted by kind. */
function openHandles() {
  const counts = new Map();
  for (const kind of process.getActiveResourcesInfo())
    if (!JEST_OWN.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => (n === 1 ? kind : `${kind} ×${n}`));
}

export default async function globalTeardown() {
  const home = process.env.CONTLAB_TEST_HOME;
  // A test's last app may be exiting right now: give it a moment.
  let left = runningChildren();
  for (let i = 0; i < 20 && left.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = runningChildren();
  }
  const named = left.map((pid) => `  ${pid} ${commandOf(pid)}`);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  // A timer about to fire (a test's last wait) is not a leak: only what outlasts 1.5 s is.
  let open = openHandles();
  for (let i = 0; i < 15 && open.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    open = openHandles();
  }
  if (open.length > 0)
    process.stderr.write(`jest teardown: still open in jest's process: ${open.join(', ')}\n`);
  if (home !== undefined && home.startsWith('/tmp/contlab-test-home-'))
    rmSync(home, { recursive: true, force: true });
  if (named.length > 0)
    throw new Error(`tests left these processes running (ended now):\n${named.join('\n')}`);
}
