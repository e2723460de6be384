/**
 * /proc/PID/cgroup: one line per hierarchy, `ID:CONTROLLERS:PATH`. On v1 each controller
 * hierarchy has its own line (and the process can sit at a different path in each); on v2
 * there is only `0::/path`. Paths are relative to the reader's cgroup namespace root.
 */

export interface CgroupMembership {
  hierarchyId: number;
  /** v1 controllers of that hierarchy (`name=systemd` for named ones); empty for v2. */
  controllers: string[];
  path: string;
}

export function parseProcCgroup(text: string): CgroupMembership[] {
  const out: CgroupMembership[] = [];
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    out.push({
      hierarchyId: Number(line.slice(0, first)),
      controllers: controllers === '' ? [] : controllers.split(','),
      path: line.slice(second + 1),
    });
  }
  return out;
}

/** The v2 (unified) path: the `0::` line. */
export function unifiedPath(memberships: CgroupMembership[]): string | undefined {
  return memberships.find((m) => m.hierarchyId === 0 && m.controllers.length === 0)?.path;
}

/** The path of the v1 hierarchy holding `controller`. */
export function v1PathFor(memberships: CgroupMembership[], controller: string): string | undefined {
  return memberships.find((m) => m.hierarchyId !== 0 && m.controllers.includes(controller))?.path;
}

/** One stable string for comparing where two processes sit (tree annotations, sampler). */
export function membershipKey(memberships: CgroupMembership[]): string {
  return memberships.map((m) => `${m.hierarchyId}:${m.path}`).join(' ');
}
