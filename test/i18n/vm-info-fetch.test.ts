/**
 * `contlab vm info` and `contlab vm fetch` in the chosen language: the labels, yes or no,
 * the accelerator and the problem said in it; packages, paths and programs as they are.
 * The VM cache is a temporary one: empty for info, and for fetch holding a stand-in kernel
 * that a stand-in apt-cache names as Debian's current one, so nothing is downloaded and
 * the host's own cache is never read or written. --json keeps its English keys and values.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contlab } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
const lab = makeTempLab();
const scratch = mkdtempSync('/tmp/contlab-vm-words-');
afterAll(() => {
  lab.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const PKG = 'linux-image-9.9.9-1-cloud-amd64';
const RELEASE = '9.9.9-1-cloud-amd64';
const emptyCache = join(scratch, 'empty');
const fakeCache = join(scratch, 'cache');
const fakeBin = join(scratch, 'bin');

/** A cached kernel as `vm fetch` leaves one: vmlinuz and a modules.dep. */
function cacheStandInKernel(): void {
  const dir = join(fakeCache, 'kernels', PKG);
  mkdirSync(join(dir, 'boot'), { recursive: true });
  mkdirSync(join(dir, 'lib', 'modules', RELEASE), { recursive: true });
  writeFileSync(join(dir, 'boot', `vmlinuz-${RELEASE}`), '');
  writeFileSync(join(dir, 'lib', 'modules', RELEASE, 'modules.dep'), '');
  mkdirSync(fakeBin, { recursive: true });
  // What `apt-cache depends linux-image-cloud-amd64` says: the cached kernel is current.
  writeFileSync(join(fakeBin, 'apt-cache'), `#!/bin/sh\necho "  Depends: ${PKG}"\n`, {
    mode: 0o755,
  });
}
cacheStandInKernel();

const base = { ...lab.env, LANG: 'C', LC_ALL: '', LC_MESSAGES: '' };
const infoEnv = { ...base, CONTLAB_VM_CACHE: emptyCache };
const fetchEnv = {
  ...base,
  CONTLAB_VM_CACHE: fakeCache,
  PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
};

describe('vm info', () => {
  test('in Russian: labels, no, and the problem in Russian; paths as they are', () => {
    const r = contlab(['--lang', 'ru', 'vm', 'info'], infoEnv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^доступна +нет$/m);
    expect(r.stdout).toMatch(
      /^проблема +ядра для гостевой системы ещё нет в кэше: contlab vm fetch$/m,
    );
    expect(r.stdout).toMatch(/^ядро +-$/m);
    expect(r.stdout).toMatch(/^ускоритель +(kvm, если|tcg \(программная эмуляция)/m);
    expect(r.stdout).toMatch(new RegExp(`^кэш +${emptyCache}$`, 'm'));
    expect(r.stdout).not.toMatch(/available|problem|no guest kernel|software emulation/);
  });

  test('in Chinese from LANG, its columns in line by cells', () => {
    const r = contlab(['vm', 'info'], { ...infoEnv, LANG: 'zh_CN.UTF-8' });
    expect(r.stdout).toMatch(/^可用 +否$/m);
    expect(r.stdout).toMatch(/^问题 +尚未缓存客户机内核：contlab vm fetch$/m);
    expect(r.stdout).toMatch(new RegExp(`^缓存 +${emptyCache}$`, 'm'));
    // 可用 is four cells wide, like qemu: both values start in the same column.
    const lines = r.stdout.split('\n');
    const available = lines.find((l) => l.startsWith('可用')) ?? '';
    const qemu = lines.find((l) => l.startsWith('qemu')) ?? '';
    expect(available.indexOf('否') + 2).toBe(qemu.search(/\S+$/));
  });

  test('in English, as it was; --json in English whatever the language', () => {
    const en = contlab(['vm', 'info'], infoEnv);
    expect(en.stdout).toMatch(/^available +false$/m);
    expect(en.stdout).toMatch(/^problem +no guest kernel cached yet: contlab vm fetch$/m);
    const json = contlab(['--lang', 'id', 'vm', 'info', '--json'], infoEnv);
    expect(JSON.parse(json.stdout)).toMatchObject({
      available: false,
      problem: 'no guest kernel cached yet: contlab vm fetch',
      cache: emptyCache,
    });
  });
});

describe('vm fetch', () => {
  test('in Indonesian and Russian: the kernel ready, package and cache as they are', () => {
    const id = contlab(['--lang', 'id', 'vm', 'fetch'], fetchEnv);
    expect(id.stderr).toBe('');
    expect(id.code).toBe(0);
    expect(id.stdout).toBe(`✓ kernel tamu siap: ${PKG} (${RELEASE}) di ${fakeCache}\n`);
    const ru = contlab(['--lang', 'ru', 'vm', 'fetch'], fetchEnv);
    expect(ru.stdout).toBe(
      `✓ ядро для гостевой системы готово: ${PKG} (${RELEASE}) в ${fakeCache}\n`,
    );
  });

  test('in Chinese from LANG, and in English', () => {
    const zh = contlab(['vm', 'fetch'], { ...fetchEnv, LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toBe(`✓ 客户机内核已就绪：${PKG}（${RELEASE}），位于 ${fakeCache}\n`);
    const en = contlab(['vm', 'fetch'], fetchEnv);
    expect(en.stdout).toBe(`✓ guest kernel ready: ${PKG} (${RELEASE}) in ${fakeCache}\n`);
  });
});
