/**
 * The session supervisor: native/build/contlab-supervise, started when a lab session opens.
 * It holds a pidfd of the lab process and runs `contlab cleanup --session ID` (the one
 * cleanup there is) the moment the lab ends without closing its session: kill -9, a crash,
 * the OOM killer. It lives in its own session (a terminal hangup or a signal to the lab's
 * process group does not reach it) and outside the lab's cgroups, and its command line
 * names the session, so cleanup can find it from /proc as well as from the journal.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { basename, join } from 'node:path';
import { LabError } from './errors.js';
import { labHome } from './paths.js';
import { cmdlineOf, identityOf, isAlive, listPids, type ProcessIdentity } from './procfs.js';
import { contlabBin, repoRoot } from './repo.js';
import { phrase } from '../i18n/phrase.js';

export const supervisorBin = join(repoRoot, 'native', 'build', 'contlab-supervise');
const SUPERVISOR_NAME = basename(supervisorBin);

/** What the supervisors did, appended: one line per start, end and cleanup. */
export const supervisorLog = (): string => join(labHome(), 'supervise.log');

export interface Supervisor {
  readonly identity: ProcessIdentity;
  /** Tells the supervisor that the session is closed: it exits without cleaning anything. */
  dismiss(): void;
}

/** Refuses, before anything is created, a checkout whose supervisor was not built. */
export function requireSupervisor(): void {
  if (!existsSync(supervisorBin))
    throw new LabError(phrase('error.supervisorNotBuilt', { bin: supervisorBin }), {
      remedy: phrase('error.supervisorNotBuilt.remedy'),
    });
}

/** Starts the supervisor of session `sessionId`, owned by the process `owner`. */
export function startSupervisor(owner: ProcessIdentity, sessionId: string): Supervisor {
  requireSupervisor();
  const log = supervisorLog();
  const logFd = openSync(log, 'a', 0o600);
  let child;
  try {
    child = spawn(
      supervisorBin,
      [
        '--pid',
        String(owner.pid),
        '--start',
        String(owner.start),
        '--session',
        sessionId,
        '--log',
        log,
        '--',
        process.execPath,
        contlabBin,
        'cleanup',
        '--session',
        sessionId,
      ],
      // detached: setsid, so nothing aimed at the lab's process group reaches it.
      { stdio: ['pipe', logFd, logFd], detached: true, cwd: '/' },
    );
  } finally {
    closeSync(logFd);
  }
  const identity = child.pid === undefined ? undefined : identityOf(child.pid);
  if (identity === undefined)
    throw new LabError(phrase('error.supervisorDidNotStart', { bin: supervisorBin }), {
      remedy: phrase('error.supervisorDidNotStart.remedy', { log }),
    });
  const control = child.stdin;
  // The supervisor must not keep the lab alive, nor its death crash the lab (EPIPE).
  child.unref();
  if (control instanceof Socket) control.unref();
  control?.on('error', () => undefined);
  return {
    identity,
    dismiss: () => {
      control?.end('exit\n');
    },
  };
}

/**
 * Supervisors running on this host, by the session they watch (from their command lines),
 * leaving out `except` (the supervisor that started this cleanup).
 */
export function runningSupervisors(except?: number): Map<string, ProcessIdentity> {
  const out = new Map<string, ProcessIdentity>();
  for (const pid of listPids()) {
    if (pid === except) continue;
    const args = cmdlineOf(pid);
    if (basename(args[0] ?? '') !== SUPERVISOR_NAME) continue;
    const i = args.indexOf('--session');
    const session = i >= 0 ? args[i + 1] : undefined;
    const id = identityOf(pid);
    if (session !== undefined && id !== undefined && isAlive(id)) out.set(session, id);
  }
  return out;
}
