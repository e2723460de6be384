/**
 * The lesson cache `contlab start` opens lessons from (src/ui/lessons/catalog.ts): a lesson
 * whose content the cache parsed comes from the cache, a changed lesson is parsed again, and
 * a lesson parsed once is kept for the next start. No root needed: only files in a temp home.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, loadLessonCached } from '../../src/ui/lessons/catalog.js';
import { copySamples } from '../lessons/helpers/samples.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';

let lab: TempLab;
let file: string;
const saved = { home: process.env.CONTLAB_HOME, lessons: process.env.CONTLAB_LESSONS };

interface CacheShape {
  lessons: Record<string, { hash: string; parsed: { lesson?: { title: string } } }>;
}
const cacheFile = (): string => join(lab.home, 'cache', 'catalog.json');
const readCacheFile = (): CacheShape => JSON.parse(readFileSync(cacheFile(), 'utf8')) as CacheShape;

beforeAll(() => {
  lab = makeTempLab();
  process.env.CONTLAB_HOME = lab.home;
  process.env.CONTLAB_LESSONS = copySamples(join(lab.home, '..'));
  file = join(process.env.CONTLAB_LESSONS, '90-sample-namespaces', 'lesson.md');
});
afterAll(() => {
  for (const [key, value] of [
    ['CONTLAB_HOME', saved.home],
    ['CONTLAB_LESSONS', saved.lessons],
  ] as const)
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  lab.remove();
});

describe('the lesson cache', () => {
  test('a lesson parsed once is kept, and then read from the cache', async () => {
    const parsed = await loadLessonCached(file);
    expect(parsed.id).toBe('sample-namespaces');
    expect(readCacheFile().lessons[file]?.parsed.lesson?.title).toBe(parsed.title);

    // What the cache holds is what a start gets (not a new parse): mark it and see the mark.
    const cache = readCacheFile();
    const entry = cache.lessons[file]?.parsed.lesson;
    if (entry === undefined) throw new Error('no cached lesson');
    entry.title = 'from the cache';
    writeFileSync(cacheFile(), JSON.stringify(cache));
    expect((await loadLessonCached(file)).title).toBe('from the cache');
    expect(await loadLessonCached(file)).toEqual({ ...parsed, title: 'from the cache' });
  });

  test('a changed lesson file is parsed again', async () => {
    appendFileSync(file, '\n');
    expect((await loadLessonCached(file)).title).not.toBe('from the cache');
  });

  test('the home screen’s catalog and a start share the cache', async () => {
    const catalog = await loadCatalog();
    expect(catalog.entries.map((e) => e.id).sort()).toEqual([
      'sample-cgroups',
      'sample-namespaces',
    ]);
    expect(Object.keys(readCacheFile().lessons)).toHaveLength(2);
  });

  test('a lesson with problems is refused with them, as without a cache', async () => {
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^id:.*$/m, 'id: [not, an, id]'));
    await expect(loadLessonCached(file)).rejects.toThrow(/has problems/);
  });
});
