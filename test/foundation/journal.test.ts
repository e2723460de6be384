import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, parseJournal } from '../../src/engine/journal.js';

describe('journal parsing', () => {
  const lines = [
    '{"op":"session","owner":{"pid":10,"start":20},"created":"2026-01-01T00:00:00Z"}',
    '{"op":"create","seq":1,"resource":{"kind":"dir","path":"/tmp/a"}}',
    '{"op":"create","seq":2,"resource":{"kind":"netns","name":"contlab-x"}}',
    '{"op":"create","seq":3,"resource":{"kind":"mount","target":"/tmp/a/m"}}',
    '{"op":"released","seq":2}',
  ];

  test('keeps created-and-not-released resources in creation order', () => {
    const j = parseJournal(lines.join('\n') + '\n', 'j');
    expect(j.owner).toEqual({ pid: 10, start: 20 });
    expect(j.live.map((e) => e.seq)).toEqual([1, 3]);
    expect(j.problems).toEqual([]);
  });

  test('a corrupt line is reported with file:line and the rest still counts', () => {
    const corrupt = [...lines.slice(0, 2), '{"op":"create","seq":9,"reso', ...lines.slice(2)];
    const j = parseJournal(corrupt.join('\n'), 'lab.jsonl');
    expect(j.live.map((e) => e.seq)).toEqual([1, 3]);
    expect(j.problems).toHaveLength(1);
    expect(j.problems[0]).toMatch(/^lab\.jsonl:3: not a valid journal line/);
  });

  test('an entry of an unknown kind is a problem, not a crash', () => {
    const j = parseJournal('{"op":"create","seq":1,"resource":{"kind":"spaceship"}}\n', 'j');
    expect(j.live).toEqual([]);
    expect(j.problems[0]).toMatch(/^j:1: unknown journal entry/);
  });
});

describe('journal file', () => {
  test('resources recorded together and released together read back as one at a time would', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contlab-journal-'));
    try {
      const file = join(dir, 'lab.jsonl');
      const j = Journal.create(file, { pid: 10, start: 20 });
      const one = j.record({ kind: 'dir', path: '/tmp/contlab-a' });
      const many = j.recordAll([
        { kind: 'cgroup', mountPoint: '/sys/fs/cgroup/cpu', path: 'contlab/s' },
        { kind: 'cgroup', mountPoint: '/sys/fs/cgroup/memory', path: 'contlab/s' },
        { kind: 'cgroup', mountPoint: '/sys/fs/cgroup/pids', path: 'contlab/s' },
      ]);
      expect([one, ...many]).toEqual([1, 2, 3, 4]);
      j.releaseAll([many[0] as number, many[2] as number]);
      j.releaseAll([]);
      j.close();
      const text = readFileSync(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const parsed = parseJournal(text, file);
      expect(parsed.problems).toEqual([]);
      expect(parsed.live.map((e) => e.seq)).toEqual([1, 3]);
      expect(parsed.live[1]?.resource).toEqual({
        kind: 'cgroup',
        mountPoint: '/sys/fs/cgroup/memory',
        path: 'contlab/s',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
