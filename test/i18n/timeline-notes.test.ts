/**
 * Notes the engine writes into a timeline entry (the kernel dropped process events, many
 * mounts changed their propagation) carry a phrase beside their English: the panel and
 * `contlab timeline` say them in the chosen language; the entry's `text` stays English.
 */
import { afterEach, expect, test } from '@jest/globals';
import type { TimelineEntry } from '../../src/engine/timeline/types.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { english, phrase } from '../../src/i18n/phrase.js';
import { entryText } from '../../src/ui/format/timeline-text.js';

afterEach(() => setLanguage('en'));

const lost = phrase('timeline.note.eventsLost');
const moved = phrase('timeline.note.propagationIn', {
  count: '12',
  inode: '4026532281',
  first: '/ shared → private',
});

const entry: TimelineEntry = {
  seq: 1,
  kind: 'command',
  command: 'mount --make-rprivate /',
  typed: false,
  exitStatus: 0,
  startedAt: 0,
  endedAt: 12,
  step: null,
  items: [
    { kind: 'note', text: english(lost), said: lost },
    { kind: 'note', text: english(moved), said: moved },
  ],
};

test('the notes keep their English text', () => {
  expect(entry.items[1]).toMatchObject({
    text: '12 mounts changed their propagation in mount namespace 4026532281 (the first: / shared → private)',
  });
});

test('said in Chinese in the timeline, values kept', () => {
  setLanguage('zh');
  const lines = entryText(entry).join('\n');
  expect(lines).toContain('内核丢弃了部分进程事件');
  expect(lines).toContain('mount 命名空间 4026532281 中 12 个挂载点的传播类型改变了');
  expect(lines).toContain('/ shared → private');
  expect(lines).not.toMatch(/dropped|propagation|mounts changed/);
});

test('a note without a phrase (an older timeline file) is shown as written', () => {
  setLanguage('ru');
  const old: TimelineEntry = { ...entry, items: [{ kind: 'note', text: 'an old note' }] };
  expect(entryText(old).join('\n')).toContain('an old note');
});
