/**
 * The YAML shape of each check type. A check is a mapping whose first key names its type
 * (`process: 'sleep 3600'`, `cgroup-limit: memory`...), with that type's fields beside it.
 */
import { z } from 'zod';
import { NS_TYPES } from '../../engine/observer/index.js';
import { parseSize } from './sizes.js';

const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and -')
    .optional(),
  explain: z.string().optional(),
};

const scope = z.enum(['lab', 'host']).default('lab');
const regex = z.string().refine(isRegex, 'not a valid regular expression');
const seconds = z.number().positive().max(600);
const size = z
  .union([z.string(), z.number()])
  .refine((v) => parseSize(v) !== undefined, 'expected a size like 64M, a number, or max');

export const CHECK_SCHEMAS = {
  process: z.strictObject({
    ...common,
    process: regex,
    namespaces: z.array(z.enum(NS_TYPES)).default([]),
    'in-cgroup': z.string().min(1).optional(),
    scope,
  }),
  'cgroup-limit': z.strictObject({
    ...common,
    'cgroup-limit': z.enum(['memory', 'pids', 'cpu']),
    cgroup: z.string().min(1),
    equals: size,
  }),
  'oom-kills': z.strictObject({
    ...common,
    'oom-kills': z.string().min(1),
    rose: z.boolean().default(true),
    'at-least': z.number().int().nonnegative().optional(),
  }),
  capability: z.strictObject({
    ...common,
    capability: z.string().regex(/^(CAP_|cap_)?[A-Za-z_]+$/, 'expected a name like CAP_NET_RAW'),
    process: regex,
    has: z.boolean(),
    set: z.enum(['effective', 'permitted', 'bounding']).default('effective'),
    scope,
  }),
  file: z.strictObject({
    ...common,
    file: z.string().startsWith('/', 'expected an absolute path'),
    process: regex.optional(),
    exists: z.boolean().default(true),
    contains: regex.optional(),
    scope,
  }),
  mount: z.strictObject({
    ...common,
    mount: z.string().startsWith('/', 'expected an absolute path'),
    process: regex,
    fstype: z.string().min(1).optional(),
    exists: z.boolean().default(true),
    'on-host': z.boolean().optional(),
    scope,
  }),
  command: z.strictObject({
    ...common,
    command: z.string().min(1),
    exit: z.number().int().min(0).max(255).default(0),
    output: regex.optional(),
    timeout: seconds.default(10),
  }),
  script: z.strictObject({
    ...common,
    script: z.string().min(1),
    timeout: seconds.default(10),
  }),
} as const;

export type CheckKey = keyof typeof CHECK_SCHEMAS;
export const CHECK_KEYS = Object.keys(CHECK_SCHEMAS) as CheckKey[];

function isRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
