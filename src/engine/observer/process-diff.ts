/** What changed in one process between two reads (exec, unshare/setns, cgroup move...). */
import { membershipKey } from './cgroup-membership.js';
import { NS_LINKS } from './ns-types.js';
import type { ProcessInfo } from './process.js';

export type ProcessChange = 'exec' | 'namespaces' | 'cgroup' | 'caps' | 'uid' | 'root' | 'zombie';

export function processChanges(before: ProcessInfo, after: ProcessInfo): ProcessChange[] {
  const out: ProcessChange[] = [];
  if (before.comm !== after.comm || before.args.join('\0') !== after.args.join('\0')) {
    out.push('exec');
  }
  if (NS_LINKS.some((n) => before.namespaces[n] !== after.namespaces[n])) out.push('namespaces');
  const cg = (p: ProcessInfo): string => (p.cgroups === null ? '' : membershipKey(p.cgroups));
  if (cg(before) !== cg(after)) out.push('cgroup');
  if (JSON.stringify(before.caps) !== JSON.stringify(after.caps)) out.push('caps');
  if (JSON.stringify(before.uid) !== JSON.stringify(after.uid)) out.push('uid');
  if (before.root?.dev !== after.root?.dev || before.root?.ino !== after.root?.ino) {
    out.push('root');
  }
  // Only the move to zombie is news: R/S/D flip every tick and would drown the rest.
  if (before.state !== 'Z' && after.state === 'Z') out.push('zombie');
  return out;
}
