/**
 * What an undo removed, in the learner's language: the report keeps each line in English
 * (--json, logs) and its phrase beside it; the timeline panel and `contlab reset` say it in
 * the language, paths and PIDs as they are. Written into temporary files, never the host's
 * cgroups.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { described, describe as describeResource } from '../../src/engine/resources.js';
import { sayLine } from '../../src/engine/said-lines.js';
import { carryOut } from '../../src/engine/timeline/undo.js';
import type { TimelineEntry } from '../../src/engine/timeline/types.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { phrase, say } from '../../src/i18n/phrase.js';
import { entryLines } from '../../src/ui/format/timeline-text.js';

const dir = mkdtempSync(join(tmpdir(), 'contlab-undo-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setLanguage('en'));

describe('a resource described', () => {
  test('English for reports, Russian on screen', () => {
    const netns = { kind: 'netns', name: 'contlab-demo' } as const;
    expect(describeResource(netns)).toBe('network namespace contlab-demo');
    setLanguage('ru');
    expect(say(described(netns))).toBe('сетевое пространство имён contlab-demo');
    const mount = { kind: 'mount', target: '/mnt/x', ns: { pid: 42, start: 7 } } as const;
    expect(describeResource(mount)).toBe('mount /mnt/x (in the mount namespace of pid 42)');
    expect(say(described(mount))).toBe(
      'точка монтирования /mnt/x (в пространстве имён монтирования процесса 42)',
    );
  });
});

describe('an undo report', () => {
  const plan = {
    thaw: [],
    kill: [],
    moveBack: [
      { pid: 4242, start: 1, file: join(dir, 'cgroup.procs'), to: '/sys/fs/cgroup/demo' },
      { pid: 4243, start: 1, file: join(dir, 'no', 'such', 'cgroup.procs'), to: '/x' },
    ],
    unmount: [],
    cgroups: [],
    limits: [
      {
        file: join(dir, 'memory.max'),
        value: 'max',
        what: phrase('undo.limitBack', {
          file: 'memory.max',
          cgroup: phrase('undo.labCgroup'),
          value: 'max',
        }),
      },
    ],
    network: [],
  };

  test('keeps English lines, and says them in Russian in the timeline panel', async () => {
    const report = await carryOut(plan);
    expect(report.undone).toEqual([
      'process 4242 moved back into /sys/fs/cgroup/demo',
      "memory.max of the lab's cgroup back to max",
    ]);
    expect(report.errors[0]).toMatch(/^process 4243 back into \/x: .*ENOENT/);
    const entry: TimelineEntry = {
      seq: 1,
      kind: 'undo',
      command: 'undo',
      typed: false,
      exitStatus: null,
      startedAt: 0,
      endedAt: 0,
      step: null,
      items: [],
      undone: report.undone,
      errors: report.errors,
      said: report.said,
    };
    setLanguage('ru');
    const lines = entryLines(entry).map((l) => l.text);
    expect(lines[0]).toBe('удалено: процесс 4242 возвращён в /sys/fs/cgroup/demo');
    expect(lines[1]).toBe('удалено: memory.max в контрольной группе лаборатории: снова max');
    expect(lines[2]).toMatch(/^не удалось удалить: процесс 4243 обратно в \/x: .*ENOENT/);
    expect(lines.join('\n')).not.toMatch(/moved back|back into|of the lab/);
  });

  test('in Chinese, and a line without a phrase (an older timeline) as it is', async () => {
    const report = await carryOut(plan);
    setLanguage('zh');
    expect(sayLine(report.said, report.undone[0] ?? '')).toBe(
      '进程 4242 已移回 /sys/fs/cgroup/demo',
    );
    expect(sayLine(report.said, 'process 1 moved back into /y')).toBe(
      'process 1 moved back into /y',
    );
  });
});
