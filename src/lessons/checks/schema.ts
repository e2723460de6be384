/**
 * Every check kind, declared once: the YAML shape a lesson writes (a mapping whose first key
 * names its kind: `process: 'sleep 3600'`, `cgroup-limit: memory`...) and, through a zod
 * transform, the typed value the evaluator gets. The types in types.ts are derived from here.
 */
import { z } from 'zod';
import { CAP_NAMES, NS_TYPES } from '../../engine/observer/index.js';
import { parseSize } from './sizes.js';

const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and -')
    .optional(),
  /** One sentence the learner sees when the check fails (lint requires it). */
  explain: z.string().min(1).optional(),
  /** Only on this cgroup version; on the other the check is left out. */
  mode: z.enum(['v1', 'v2']).optional(),
};

type Common = { name?: string | undefined; explain?: string | undefined; mode?: 'v1' | 'v2' };

const baseOf = (f: Common): Common => ({ name: f.name, explain: f.explain, mode: f.mode });

const scope = z.enum(['lab', 'host']).default('lab');
const regex = z.string().refine(isRegex, 'not a valid regular expression');
const seconds = z.number().positive().max(600);
/** An absolute path; `$LAB_DIR`-style variables of the lab are expanded when evaluated. */
const path = z
  .string()
  .refine((p) => p.startsWith('/') || p.startsWith('$'), 'expected an absolute path');
const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a size like 64M, a number, or max' });
    return z.NEVER;
  }
  return bytes;
});
const capability = z
  .string()
  .regex(/^(CAP_|cap_)?[A-Za-z_]+$/, 'expected a name like CAP_NET_RAW')
  .transform((v, ctx) => {
    const name = normaliseCap(v);
    if (!CAP_NAMES.includes(name)) {
      ctx.addIssue({ code: 'custom', message: `unknown capability "${name.toUpperCase()}"` });
      return z.NEVER;
    }
    return name;
  });

const processCheck = z
  .strictObject({
    ...common,
    process: regex,
    namespaces: z.array(z.enum(NS_TYPES)).default([]),
    'in-cgroup': z.string().min(1).optional(),
    /** The process's root directory (/proc/PID/root) must be this path. */
    root: path.optional(),
    scope,
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'process' as const,
    match: f.process,
    namespaces: f.namespaces,
    inCgroup: f['in-cgroup'],
    root: f.root,
    scope: f.scope,
  }));

const cgroupLimitCheck = z
  .strictObject({
    ...common,
    'cgroup-limit': z.enum(['memory', 'pids', 'cpu']),
    cgroup: z.string().min(1),
    equals: size,
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'cgroup-limit' as const,
    controller: f['cgroup-limit'],
    cgroup: f.cgroup,
    equals: f.equals,
  }));

const oomKillsCheck = z
  .strictObject({
    ...common,
    'oom-kills': z.string().min(1),
    rose: z.boolean().default(true),
    'at-least': z.number().int().nonnegative().optional(),
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'oom-kills' as const,
    cgroup: f['oom-kills'],
    rose: f.rose,
    atLeast: f['at-least'],
  }));

const capabilityCheck = z
  .strictObject({
    ...common,
    capability,
    process: regex,
    has: z.boolean(),
    set: z.enum(['effective', 'permitted', 'bounding']).default('effective'),
    scope,
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'capability' as const,
    capability: f.capability,
    process: f.process,
    has: f.has,
    set: f.set,
    scope: f.scope,
  }));

const fileCheck = z
  .strictObject({
    ...common,
    file: path,
    /** Look inside this process's root, in its mount namespace (/proc/PID/root/...). */
    process: regex.optional(),
    exists: z.boolean().default(true),
    contains: regex.optional(),
    scope,
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'file' as const,
    path: f.file,
    process: f.process,
    exists: f.exists,
    contains: f.contains,
    scope: f.scope,
  }));

const mountCheck = z
  .strictObject({
    ...common,
    mount: path,
    process: regex,
    fstype: z.string().min(1).optional(),
    exists: z.boolean().default(true),
    'on-host': z.boolean().optional(),
    scope,
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'mount' as const,
    target: f.mount,
    process: f.process,
    fstype: f.fstype,
    exists: f.exists,
    onHost: f['on-host'],
    scope: f.scope,
  }));

const commandCheck = z
  .strictObject({
    ...common,
    command: z.string().min(1),
    exit: z.number().int().min(0).max(255).default(0),
    output: regex.optional(),
    timeout: seconds.default(10),
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'command' as const,
    run: f.command,
    exit: f.exit,
    output: f.output,
    timeoutSeconds: f.timeout,
  }));

const scriptCheck = z
  .strictObject({ ...common, script: z.string().min(1), timeout: seconds.default(10) })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'script' as const,
    script: f.script,
    timeoutSeconds: f.timeout,
  }));

const sharesNamespaceCheck = z
  .strictObject({
    ...common,
    'shares-namespace': z.array(z.enum(NS_TYPES)).min(1),
    process: regex,
    /** Another process (a pattern), or `host`: the host's namespaces (PID 1's). */
    with: z.union([z.literal('host'), regex]),
    /** false: the two must be in different namespaces of every listed type. */
    shares: z.boolean().default(true),
    scope,
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'shares-namespace' as const,
    namespaces: f['shares-namespace'],
    process: f.process,
    with: f.with,
    shares: f.shares,
    scope: f.scope,
  }));

export const RUNTIMES = ['runc', 'contlab-runtime', 'containerd', 'docker'] as const;
export const STATES = ['created', 'running', 'paused', 'stopped', 'exited', 'absent'] as const;

const statusCheck = z
  .strictObject({
    ...common,
    status: z.enum(STATES),
    container: z.string().min(1),
    /** Who is asked: `runc state`, `contlab-runtime state`, `ctr tasks ls`, `docker inspect`. */
    via: z.enum(RUNTIMES),
    /** The state folder of runc or contlab-runtime (`--root`). */
    root: path.optional(),
    /** containerd's namespace (default: the lab's, $CONTAINERD_NAMESPACE). */
    namespace: z.string().min(1).optional(),
    'exit-code': z.number().int().min(0).max(255).optional(),
  })
  .superRefine((f, ctx) => {
    if ((f.via === 'runc' || f.via === 'contlab-runtime') && f.root === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['root'],
        message: `give root: the state folder ${f.via} was run with (--root)`,
      });
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'status' as const,
    state: f.status,
    container: f.container,
    via: f.via,
    root: f.root,
    namespace: f.namespace,
    exitCode: f['exit-code'],
  }));

const hostnameInCheck = z
  .strictObject({
    ...common,
    'hostname-in': regex,
    equals: z.string().min(1),
    scope,
  })
  .transform((f) => ({
    ...baseOf(f),
    kind: 'hostname-in' as const,
    process: f['hostname-in'],
    equals: f.equals,
    scope: f.scope,
  }));

/** The schema of each kind, by the key that names it. */
export const CHECK_SCHEMAS = {
  process: processCheck,
  'cgroup-limit': cgroupLimitCheck,
  'oom-kills': oomKillsCheck,
  capability: capabilityCheck,
  file: fileCheck,
  mount: mountCheck,
  command: commandCheck,
  script: scriptCheck,
  'shares-namespace': sharesNamespaceCheck,
  status: statusCheck,
  'hostname-in': hostnameInCheck,
} as const;

export type CheckKey = keyof typeof CHECK_SCHEMAS;
export const CHECK_KEYS: readonly CheckKey[] = [
  'process',
  'cgroup-limit',
  'oom-kills',
  'capability',
  'file',
  'mount',
  'command',
  'script',
  'shares-namespace',
  'status',
  'hostname-in',
];

/** What a check of each kind is once parsed, without its place in the file. */
export type CheckData = z.output<(typeof CHECK_SCHEMAS)[CheckKey]>;

/** The schema of one kind, typed as the union (what the parser validates against). */
export function checkSchema(key: CheckKey): z.ZodType<CheckData> {
  return CHECK_SCHEMAS[key];
}

export function normaliseCap(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith('cap_') ? lower : `cap_${lower}`;
}

function isRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
