/** The namespace kinds a process links under /proc/PID/ns, and how their links read. */

/** Every entry of /proc/PID/ns on a current kernel, in `ls` order. */
export const NS_LINKS = [
  'cgroup',
  'ipc',
  'mnt',
  'net',
  'pid',
  'pid_for_children',
  'time',
  'time_for_children',
  'user',
  'uts',
] as const;

export type NsLink = (typeof NS_LINKS)[number];

/** The namespace types themselves (what `lsns` lists): the links minus *_for_children. */
export const NS_TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'] as const;

export type NsType = (typeof NS_TYPES)[number];

/** Namespace inode per link; a link that could not be read (gone, EACCES, old kernel) is absent. */
export type NamespaceInodes = Partial<Record<NsLink, number>>;

/** `net:[4026531833]` → 4026531833. */
export function parseNsLink(link: string): number | undefined {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(link);
  return m === null ? undefined : Number(m[1]);
}
