/**
 * What a VM run could leave on the host: its qemu and virtiofsd processes (recognised by
 * the lab's socket directory on their command line, so another user's VMs never count)
 * and its socket directories under the lab's runtime directory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function vmLeftovers(runDir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (/qemu-system|virtiofsd/.test(cmd) && cmd.includes(`${runDir}/`) && cmd.includes('/vm-'))
      out.push(`process ${pid}: ${cmd.slice(0, 120)}`);
  }
  let sessions: string[] = [];
  try {
    sessions = readdirSync(runDir);
  } catch {
    return out;
  }
  for (const s of sessions) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(runDir, s));
    } catch {
      continue;
    }
    for (const e of entries.filter((x) => x.startsWith('vm-')))
      out.push(`dir ${join(runDir, s, e)}`);
  }
  return out;
}
