/** The YAML shapes of a lesson's front matter and of its ```step and ```quiz blocks. */
import { z } from 'zod';
import { NS_TYPES } from '../../engine/observer/index.js';

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and - (like my-lesson)');

export const CONTROLLERS = ['memory', 'cpu', 'pids', 'io', 'blkio', 'freezer', 'devices'] as const;

export const requirementsSchema = z.strictObject({
  root: z.boolean().default(false),
  cgroup: z
    .array(z.enum(['v1', 'v2']))
    .min(1)
    .default(['v1', 'v2']),
  tools: z.array(z.string().regex(/^[A-Za-z0-9_.+-]+$/, 'expected a command name')).default([]),
  namespaces: z.array(z.enum(NS_TYPES)).default([]),
  controllers: z.array(z.enum(CONTROLLERS)).default([]),
  filesystems: z.array(z.string()).default([]),
  /** The lab's own containerd (and dockerd) that the lesson's commands talk to. */
  daemons: z.array(z.enum(['containerd', 'dockerd', 'dockerd-bridge'])).default([]),
});

export const frontMatterSchema = z.strictObject({
  id: slug,
  title: z.string().min(1),
  summary: z.string().min(1),
  minutes: z.number().int().positive().max(600),
  requirements: requirementsSchema.default({
    root: false,
    cgroup: ['v1', 'v2'],
    tools: [],
    namespaces: [],
    controllers: [],
    filesystems: [],
    daemons: [],
  }),
  concepts: z.array(z.string()).min(1, 'list at least one curriculum concept ID'),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export const stepMetaSchema = z.strictObject({
  id: slug.optional(),
  concepts: z.array(z.string()).default([]),
  /** Seconds one demo command may run before verify gives up. */
  timeout: z.number().positive().max(600).default(30),
});

export const quizSchema = z
  .strictObject({
    question: z.string().min(1),
    choices: z
      .array(z.strictObject({ text: z.string().min(1), explain: z.string().min(1) }))
      .min(2, 'a quiz needs at least two choices'),
    answer: z.number().int().min(1),
  })
  .refine((q) => q.answer <= q.choices.length, {
    message: 'answer is the number of the right choice (1 is the first)',
    path: ['answer'],
  });

export const wrongSchema = z.strictObject({
  title: z.string().min(1),
  run: z.string().min(1),
  undo: z.string().min(1).optional(),
  /** Only on this cgroup version. */
  mode: z.enum(['v1', 'v2']).optional(),
});
