/**
 * Starting a lab daemon the same way for containerd and dockerd: its binary checked first,
 * started through the session (journaled, in the session cgroup), recorded as a `daemon`
 * resource before anyone can talk to it, then waited for until it answers. A daemon that
 * does not come up is removed again and reported with the end of its log.
 */
import { closeSync, openSync } from 'node:fs';
import { LabError } from '../errors.js';
import { which } from '../exec.js';
import { identityOf } from '../procfs.js';
import type { Resource } from '../resources.js';
import type { LabSession } from '../session.js';
import { tailLog, waitFor } from './wait.js';
import { phrase } from '../../i18n/phrase.js';

export type DaemonResource = Extract<Resource, { kind: 'daemon' }>;

export interface DaemonSpec {
  name: string;
  binary: string;
  args: string[];
  /** The package that provides the binary, for the remedy. */
  pkg: string;
  address: string;
  dirs: string[];
  logPath: string;
  ready: () => Promise<boolean>;
  timeoutMs: number;
}

export interface StartedDaemon {
  pid: number;
  resource: DaemonResource;
  /** Milliseconds from spawn to the first successful ready check. */
  startupMs: number;
}

export function requireTool(tool: string, pkg: string): string {
  const path = which(tool);
  if (path === undefined)
    throw new LabError(phrase('error.notInstalled', { tool }), {
      remedy: phrase('error.notInstalled.remedy', { pkg }),
    });
  return path;
}

export async function startDaemon(session: LabSession, spec: DaemonSpec): Promise<StartedDaemon> {
  const binary = requireTool(spec.binary, spec.pkg);
  const log = openSync(spec.logPath, 'a');
  const started = performance.now();
  let exited: string | undefined;
  let child;
  try {
    // detached: its own process group, so a Ctrl-C meant for the lab does not hit the
    // daemon before the lab has stopped its containers.
    child = await session.spawn(binary, spec.args, {
      stdio: ['ignore', log, log],
      detached: true,
    });
  } finally {
    closeSync(log);
  }
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  child.unref();
  const id = child.pid === undefined ? undefined : identityOf(child.pid);
  if (id === undefined) {
    throw new LabError(
      phrase('error.daemon.noStart', { name: spec.name, log: tailLog(spec.logPath) }),
      {
        remedy: phrase('error.daemon.noStart.remedy', { binary }),
      },
    );
  }
  const resource: DaemonResource = {
    kind: 'daemon',
    name: spec.name,
    address: spec.address,
    dirs: spec.dirs,
    ...id,
  };
  await session.track(resource, () => undefined);
  const up = await waitFor(spec.ready, {
    timeoutMs: spec.timeoutMs,
    intervalMs: 50,
    giveUp: () => exited !== undefined,
  });
  if (!up) {
    await session.remove(resource).catch(() => undefined);
    // How it exited (`exit code 1`, `SIGKILL`) is the process's own word, kept as it is.
    const why =
      exited === undefined
        ? phrase('error.daemon.noAnswer', { seconds: String(spec.timeoutMs / 1000) })
        : exited;
    throw new LabError(
      phrase('error.daemon.notUp', {
        name: spec.name,
        why,
        file: spec.logPath,
        log: tailLog(spec.logPath),
      }),
      { remedy: phrase('error.daemon.notUp.remedy') },
    );
  }
  return { pid: id.pid, resource, startupMs: performance.now() - started };
}
