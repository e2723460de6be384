/**
 * --help of the instructor's and author's commands (class, vm, image, lint, translate,
 * monitor) in the chosen language: every option's description from the catalogue, commander's
 * `(default: ...)` too, wrapped in cells within 80 columns; English as it was.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { repoRoot } from '../../src/engine/repo.js';
import { contlab } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
const lab = makeTempLab();
afterAll(() => lab.remove());

const env = { ...lab.env, COLUMNS: '80', LANG: 'C', LC_ALL: '' };
const catalogue = (lang: string): Record<string, string> =>
  JSON.parse(readFileSync(join(repoRoot, 'locales', `${lang}.json`), 'utf8')) as Record<
    string,
    string
  >;
/** Help wraps long descriptions: compare with the line breaks and their indent taken out. */
const squeezed = (text: string): string => text.replace(/\s+/g, '');

const COMMANDS: [string[], string[]][] = [
  [
    ['class', 'serve'],
    ['cmd.class.serve', 'opt.class.port', 'opt.class.noQr'],
  ],
  [
    ['class', 'join'],
    ['cmd.class.join', 'opt.class.name', 'opt.class.noFollow'],
  ],
  [
    ['vm', 'run'],
    ['cmd.vm.run', 'arg.vm.command', 'opt.vm.accel', 'opt.vm.noDisk'],
  ],
  [['vm'], ['cmd.vm.shell', 'cmd.vm.fetch', 'cmd.vm.info']],
  [
    ['image', 'build'],
    ['cmd.image.build', 'opt.image.json'],
  ],
  [['lint'], ['opt.lint.json']],
  [['translate'], ['opt.translate.all', 'opt.translate.stamp']],
  [['monitor'], ['opt.monitor.pid', 'opt.monitor.class']],
];

describe.each(['zh', 'ru', 'id'])('--help in %s', (lang) => {
  const words = catalogue(lang);
  test.each(COMMANDS)('contlab %j --help', (args, ids) => {
    const r = contlab(['--lang', lang, ...args, '--help'], env);
    expect(r.code).toBe(0);
    for (const id of ids) expect(squeezed(r.stdout)).toContain(squeezed(words[id] ?? id));
    expect(r.stdout.split('\n').filter((l) => stringWidth(l) > 80)).toEqual([]);
  });
});

describe('--help of vm run', () => {
  test('in Chinese: no English option description, defaults said in Chinese', () => {
    const r = contlab(['vm', 'run', '--help', '--lang', 'zh'], env);
    expect(r.stdout).toContain('硬件虚拟化或软件模拟');
    expect(r.stdout).toContain('（默认："auto"）');
    expect(r.stdout).not.toMatch(/hardware virtualisation|the VM's memory|default:/);
  });

  test('in English, as before', () => {
    const r = contlab(['vm', 'run', '--help'], env);
    expect(r.stdout).toMatch(/--memory <MiB> +the VM's memory \(default: "2048"\)\n/);
    expect(r.stdout).toMatch(/--accel <auto\|kvm\|tcg> +hardware virtualisation or software/);
  });
});
