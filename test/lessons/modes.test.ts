/**
 * Text by cgroup version: one lesson file, resolved for v1 and for v2, gives each learner the
 * file names, commands, checks, hints and wrong attempts of their version; unresolved (lint)
 * it keeps both. Lesson 03 shows memory.limit_in_bytes on v1 and memory.max on v2.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { parseLesson } from '../../src/lessons/format/parse-lesson.js';
import { resolveInline } from '../../src/lessons/format/modes.js';
import type { CgroupVersion, Lesson } from '../../src/lessons/index.js';

const SOURCE = `---
id: t
title: t
summary: t
minutes: 1
concepts: [cg.memory]
---

Intro on {{v1: v1 | v2: v2}}.

## Step: s

The limit file is {{v1: \`memory.limit_in_bytes\` | v2: \`memory.max\`}}{{v2: , one tree}}.

\`\`\`v1
Only on v1.
\`\`\`

\`\`\`v2
Only on v2.
\`\`\`

\`\`\`sh mode=v1
echo 32M > memory.limit_in_bytes
\`\`\`

\`\`\`sh mode=v2
echo 32M > memory.max
\`\`\`

\`\`\`sh
echo both
\`\`\`

\`\`\`checkpoint
- name: old
  mode: v1
  script: 'true'
  explain: v1 check
- name: new
  mode: v2
  script: 'true'
  explain: v2 check
\`\`\`

\`\`\`hint when="old fails"
A v1 hint.
\`\`\`

\`\`\`hint
On {{v1: freezer.state | v2: cgroup.freeze}}.
\`\`\`

\`\`\`wrong
title: w1
mode: v1
run: echo 1
\`\`\`

\`\`\`wrong
title: w2
mode: v2
run: echo 2
\`\`\`
`;

function parsed(mode?: CgroupVersion): Lesson {
  const r = parseLesson('t.md', SOURCE, mode === undefined ? {} : { mode });
  if (r.lesson === undefined) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.lesson;
}

describe('text by cgroup version', () => {
  it('inline forms pick the side of the version, or nothing', () => {
    expect(resolveInline('a {{v1: x | v2: y}} b', 'v1')).toBe('a x b');
    expect(resolveInline('a {{v1: x | v2: y}} b', 'v2')).toBe('a y b');
    expect(resolveInline('a{{v2: , more}}', 'v1')).toBe('a');
    expect(resolveInline('{{v2: `cgroup.freeze` (1 or 0)}}', 'v2')).toBe(
      '`cgroup.freeze` (1 or 0)',
    );
    expect(resolveInline('docker inspect -f {{.State.Status}}', 'v2')).toBe(
      'docker inspect -f {{.State.Status}}',
    );
  });

  it('resolved for v1: the v1 text, commands, checks, hints and wrong attempts only', () => {
    const l = parsed('v1');
    const s = l.steps[0];
    expect(l.mode).toBe('v1');
    expect(l.intro).toBe('Intro on v1.');
    expect(s?.prose).toMatch(/The limit file is `memory.limit_in_bytes`\./);
    expect(s?.prose).toMatch(/Only on v1\./);
    expect(s?.prose).not.toMatch(/v2|memory\.max|```/);
    expect(s?.demo.map((d) => d.text)).toEqual(['echo 32M > memory.limit_in_bytes', 'echo both']);
    expect(s?.checkpoint?.map((c) => c.name)).toEqual(['old']);
    expect(s?.hints.map((h) => h.text)).toEqual(['A v1 hint.', 'On freezer.state.']);
    expect(s?.wrong.map((w) => w.title)).toEqual(['w1']);
  });

  it('resolved for v2: the v2 ones, and a hint about a v1-only check is left out', () => {
    const s = parsed('v2').steps[0];
    expect(s?.prose).toMatch(/The limit file is `memory.max`, one tree\./);
    expect(s?.prose).toMatch(/Only on v2\./);
    expect(s?.demo.map((d) => d.text)).toEqual(['echo 32M > memory.max', 'echo both']);
    expect(s?.checkpoint?.map((c) => c.name)).toEqual(['new']);
    expect(s?.hints.map((h) => h.text)).toEqual(['On cgroup.freeze.']);
    expect(s?.wrong.map((w) => w.title)).toEqual(['w2']);
  });

  it('unresolved (what lint reads) keeps both', () => {
    const s = parsed().steps[0];
    expect(s?.demo).toHaveLength(3);
    expect(s?.checkpoint).toHaveLength(2);
    expect(s?.wrong).toHaveLength(2);
  });

  it('lesson 03 names the memory limit file of each version', () => {
    const file = join(repoRoot, 'lessons-content', '03-cgroups', 'lesson.md');
    const text = readFileSync(file, 'utf8');
    const step = (mode: CgroupVersion): Lesson['steps'][number] | undefined =>
      parseLesson(file, text, { mode }).lesson?.steps.find((x) => x.id === 'memory');
    const v1 = step('v1');
    const v2 = step('v2');
    expect(v1?.prose).toMatch(/`memory\.limit_in_bytes`/);
    expect(v1?.demo.map((d) => d.text).join('\n')).toMatch(/memory\.limit_in_bytes/);
    expect(v1?.demo.map((d) => d.text).join('\n')).not.toMatch(/memory\.max/);
    expect(v2?.demo.map((d) => d.text).join('\n')).toMatch(/memory\.max/);
    expect(v2?.demo.map((d) => d.text).join('\n')).not.toMatch(/limit_in_bytes/);
    const devices = (mode: CgroupVersion): string =>
      parseLesson(file, text, { mode }).lesson?.steps.find((x) => x.id === 'devices')?.prose ?? '';
    expect(devices('v2')).toMatch(/eBPF/);
    expect(devices('v1')).not.toMatch(/eBPF program\*\* \(of type/);
    expect(devices('v1')).toMatch(/devices\.deny/);
  });
});
