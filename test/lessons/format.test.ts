/**
 * The lesson format, parsed from files: the typed model of the two sample lessons, proof
 * that together they use every feature of the format, the tool-reference reader, hint
 * choice, and the built-in copy of the curriculum's concept IDs.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { CHECK_KEYS } from '../../src/lessons/checks/schema.js';
import { CURRICULUM_CONCEPTS } from '../../src/lessons/concept-ids.js';
import { curriculumPath, knownConcepts, parseCurriculum } from '../../src/lessons/concepts.js';
import { hintFor } from '../../src/lessons/hints.js';
import {
  lessonFiles,
  loadLessonFile,
  type CheckpointResult,
  type Lesson,
} from '../../src/lessons/index.js';
import { commandWords } from '../../src/lessons/lint/tool-refs.js';

const sample = (folder: string): Lesson =>
  loadLessonFile(join(repoRoot, 'lessons-content', folder, 'lesson.md'));
const ns = sample('90-sample-namespaces');
const cg = sample('91-sample-cgroups');

describe('the typed model of a lesson', () => {
  it('has the front matter, with defaults filled in', () => {
    expect(ns).toMatchObject({
      id: 'sample-namespaces',
      minutes: 15,
      requirements: {
        root: true,
        cgroup: ['v1', 'v2'],
        namespaces: ['uts', 'pid', 'mnt'],
        filesystems: ['tmpfs'],
        controllers: [],
        daemons: [],
      },
    });
    expect(ns.concepts).toContain('ns.uts');
    expect(ns.intro).toMatch(/^A container is an ordinary process/);
  });

  it('has steps with their blocks, positions and 0-based quiz answers', () => {
    expect(ns.steps.map((s) => s.id)).toEqual([
      'hostname',
      'pid-one',
      'drop-cap',
      'chroot',
      'private-mount',
      'ns-files',
    ]);
    const [hostname, pidOne, dropCap, chroot] = ns.steps;
    expect(hostname?.commands[0]?.text).toBe(
      'unshare --uts --fork bash\n[ "$(readlink /proc/$$/ns/uts)" != "$(readlink /proc/1/ns/uts)" ] && hostname contlab-box\nhostname',
    );
    expect(hostname?.wrong.map((w) => w.title)).toEqual(['a new UTS namespace, never renamed']);
    expect(hostname?.hints.map((h) => h.when)).toEqual([
      [{ check: 'own-uts', state: 'fails' }],
      [
        { check: 'own-uts', state: 'passes' },
        { check: 'renamed', state: 'fails' },
      ],
      [],
    ]);
    expect(hostname?.notes[0]).toMatch(/Ask the room first/);
    // prose is the Markdown without the lab blocks
    expect(hostname?.prose).toMatch(/^`unshare --uts` starts a program/);
    expect(hostname?.prose).not.toMatch(/```/);
    expect(pidOne?.quizzes[0]?.answer).toBe(1);
    expect(dropCap?.commands).toEqual([]);
    expect(dropCap?.demo.map((d) => d.from)).toEqual(['solution']);
    expect(chroot?.setup[0]?.text).toMatch(/etc\/motd/);
    expect(chroot?.cleanup[0]?.text).toMatch(/rm -f/);
    // a checkpoint remembers where each check is, for messages
    const lines = readFileSync(ns.file, 'utf8').split('\n');
    const check = hostname?.checkpoint?.[0];
    expect(lines[(check?.pos.line ?? 0) - 1]).toMatch(/- name: own-uts/);
    expect(cg.steps[1]?.commandTimeout).toBe(60);
  });

  it('the lessons together use every feature of the format', () => {
    const all = lessonFiles(join(repoRoot, 'lessons-content')).map((f) => loadLessonFile(f));
    const everyKind = new Set(
      all.flatMap((l) => l.steps.flatMap((s) => (s.checkpoint ?? []).map((c) => c.kind))),
    );
    expect([...everyKind].sort()).toEqual([...CHECK_KEYS].sort());
    // every check says what to do, every checkpoint has a wrong attempt to reject
    for (const step of all.flatMap((l) => l.steps)) {
      for (const c of step.checkpoint ?? []) expect(c.explain).toBeDefined();
      if (step.checkpoint !== undefined) expect(step.wrong.length).toBeGreaterThan(0);
    }
    const steps = [...ns.steps, ...cg.steps];
    const has = (f: (s: Lesson['steps'][number]) => boolean): boolean => steps.some(f);
    expect(has((s) => s.setup.length > 0)).toBe(true);
    expect(has((s) => s.cleanup.length > 0)).toBe(true);
    expect(has((s) => s.solution.length > 0)).toBe(true);
    expect(has((s) => s.notes.length > 0)).toBe(true);
    expect(has((s) => s.quizzes.length > 0)).toBe(true);
    expect(has((s) => s.checkpoint === undefined && s.quizzes.length > 0)).toBe(true);
    expect(has((s) => s.hints.some((h) => h.when.length > 1))).toBe(true);
    expect(has((s) => s.hints.some((h) => h.when.length === 0))).toBe(true);
    expect(has((s) => s.commandTimeout !== 30)).toBe(true);
    const checks = steps.flatMap((s) => s.checkpoint ?? []);
    expect(checks.some((c) => c.kind === 'process' && c.namespaces.length > 0)).toBe(true);
    expect(checks.some((c) => c.kind === 'process' && c.inCgroup !== undefined)).toBe(true);
    expect(checks.some((c) => c.kind === 'file' && c.process !== undefined)).toBe(true);
    expect(checks.some((c) => c.kind === 'mount' && c.onHost === false)).toBe(true);
    expect(checks.some((c) => c.kind === 'capability' && !c.has)).toBe(true);
    expect(checks.some((c) => c.kind === 'cgroup-limit' && c.controller === 'pids')).toBe(true);
    const req = [ns.requirements, cg.requirements];
    expect(req.some((r) => r.controllers.length > 0)).toBe(true);
    expect(req.some((r) => r.filesystems.length > 0)).toBe(true);
    expect(req.some((r) => r.tools.length > 0)).toBe(true);
  });
});

describe('hints', () => {
  const step = cg.steps[0] as Lesson['steps'][number];
  const state = (group: boolean, limit: boolean): CheckpointResult => {
    const [g, l] = step.checkpoint ?? [];
    return {
      ok: group && limit,
      results: [
        { check: g!, ok: group, saw: '', expected: '' },
        { check: l!, ok: limit, saw: '', expected: '' },
      ],
    };
  };

  it('come first when their condition matches what the learner did', () => {
    expect(hintFor(step, state(false, false), 1)?.text).toMatch(/made with `mkdir`/);
    expect(hintFor(step, state(true, false), 1)?.text).toMatch(/The group exists/);
  });

  it('stay on the last one when asked again and again', () => {
    expect(hintFor(step, state(true, false), 5)?.text).toMatch(/The group exists/);
  });
});

describe('the tools a shell block runs', () => {
  it('finds the first word of every command, after prefixes and separators', () => {
    const words = commandWords(
      [
        'FOO=1 sudo unshare --uts bash  # comment: ip is not a command here',
        'for p in $(pgrep -x bash); do nsenter -t "$p" --uts hostname; done | grep -q x',
        "capsh --drop=cap_net_raw -- -c 'exec sleep 1' && /usr/sbin/ip link",
        'PEER=$(docker exec box cat /x)',
      ].join('\n'),
      10,
    ).map((w) => `${w.line}:${w.col}:${w.tool}`);
    expect(words).toEqual([
      '10:12:unshare',
      '11:1:for',
      '11:12:pgrep',
      '11:31:nsenter',
      '11:63:done',
      '11:70:grep',
      '12:1:capsh',
      '12:50:ip',
      '13:8:docker',
    ]);
  });
});

describe('concept IDs', () => {
  it('the built-in copy is the list in CURRICULUM.md', () => {
    const copy = CURRICULUM_CONCEPTS.map((c) => `${c.id}${c.quiz ? ' (quiz)' : ''}`);
    expect(copy.length).toBeGreaterThan(40);
    for (const c of CURRICULUM_CONCEPTS) expect(c.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
    if (!existsSync(curriculumPath)) return; // a checkout without shared/: the copy is all there is
    const fromFile = parseCurriculum(readFileSync(curriculumPath, 'utf8')).map(
      (c) => `${c.id}${c.quiz ? ' (quiz)' : ''}`,
    );
    // When this fails, CURRICULUM.md changed: update src/lessons/concept-ids.ts to match.
    expect(copy).toEqual(fromFile);
    expect(knownConcepts().ids.size).toBe(fromFile.length);
  });
});
