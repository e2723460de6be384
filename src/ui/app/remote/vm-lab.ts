/**
 * `--vm`: the lesson's lab in a throwaway cgroup v2 VM, the TUI on this machine. The VM
 * (src/engine/vm) runs `contlab vm agent`, which serves the lab through the VM's agent port
 * (serve.ts); here it is a LabConnection like a local lab (client.ts). Nothing is changed on
 * this machine's kernel: the lab's cgroups, namespaces, mounts and daemons are the VM's.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { LabError } from '../../../engine/errors.js';
import { labHome, sessionsDir } from '../../../engine/paths.js';
import { identityOf } from '../../../engine/procfs.js';
import { sessionIdOf } from '../../../engine/session.js';
import { timelineFile } from '../../../engine/timeline/file.js';
import { contlabBin } from '../../../engine/repo.js';
import { runInVm } from '../../../engine/vm/run.js';
import { scaled } from '../../../engine/time-scale.js';
import { progressFile } from '../../../lessons/progress/store.js';
import type { Lesson } from '../../lessons/lessons-api.js';
import type { LabConnection } from '../lab-connection.js';
import { remoteLab } from './client.js';
import { t } from '../../../i18n/messages.js';

/** Where the VM's console and the agent's messages go (the TUI owns the terminal). */
export const vmLogFile = (): string => join(labHome(), 'vm-lab.log');

export interface VmLabOptions {
  /** Told how far the VM has come, for a start-up message. */
  onProgress?: (what: string) => void;
}

export async function openVmLab(
  lesson: Lesson,
  options: VmLabOptions = {},
): Promise<LabConnection> {
  const log = createWriteStream(vmLogFile());
  let onSocket: (s: Socket) => void = () => undefined;
  const socket = new Promise<Socket>((resolve) => (onSocket = resolve));
  options.onProgress?.(t('vm.booting'));
  const vm = runInVm({
    argv: [contlabBin, 'vm', 'agent'],
    cwd: '/',
    // One thread pool thread waits on the agent port for good; the observer needs the rest.
    env: { UV_THREADPOOL_SIZE: '8' },
    stdout: log,
    stderr: log,
    console: log,
    onStarted: (machine) => void machine.port('agent').then(onSocket),
  });
  // Whatever ends the VM before the lab is open is the reason it did not open.
  const ended = vm.then(
    (r) =>
      new LabError(`the VM stopped before the lab opened (exit ${r.exitCode}); see ${vmLogFile()}`),
    (err: unknown) => err,
  );
  const sock = await Promise.race([socket, ended.then((e) => Promise.reject(e))]);
  options.onProgress?.(t('vm.opening'));
  // The VM's timeline is kept here too, where `contlab timeline` looks: a session directory
  // named for this process (removed on close; after a crash, by the start-up sweep).
  const self = identityOf(process.pid);
  const sessionDir = self === undefined ? undefined : join(sessionsDir(), sessionIdOf(self));
  if (sessionDir !== undefined) mkdirSync(sessionDir, { recursive: true });
  const lab = await Promise.race([
    remoteLab(sock, {
      file: lesson.file,
      progressFile: progressFile(),
      openTimeoutMs: scaled(300_000),
      ...(sessionDir === undefined ? {} : { timelineFile: timelineFile(sessionDir) }),
    }),
    ended.then((e) => Promise.reject(e)),
  ]).catch((err: unknown) => {
    if (sessionDir !== undefined) rmSync(sessionDir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...lab,
    close: async () => {
      await lab.close();
      if (sessionDir !== undefined) rmSync(sessionDir, { recursive: true, force: true });
      // The agent has closed the lab; the VM powers off by itself. It is killed if it dawdles.
      await Promise.race([vm.catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
      log.end();
    },
  };
}

/**
 * The player's `connect` for --vm. Until the player takes the screen, the terminal says
 * what the VM is doing: under software emulation the boot takes a while.
 */
export function connectVm(
  stderr: NodeJS.WriteStream = process.stderr,
): (l: Lesson) => Promise<LabConnection> {
  return (lesson) =>
    openVmLab(lesson, { onProgress: (what) => stderr.write(`contlab --vm: ${what}...\n`) });
}
