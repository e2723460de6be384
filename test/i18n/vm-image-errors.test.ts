/**
 * The lab errors of the VM, the image build, the daemons and some commands' own options, in
 * the learner's language: each keeps its English (`message`, `remedy`) for logs and is said
 * in the chosen language where it is shown, paths, packages and commands as they are.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { checkSocketPath } from '../../src/engine/daemons/socket-path.js';
import { LabError, shownMessage, shownRemedy } from '../../src/engine/errors.js';
import { hostPlatform } from '../../src/engine/image/platform.js';
import { loadOrder } from '../../src/engine/vm/modules.js';
import { vmTools } from '../../src/engine/vm/tools.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { contlab } from '../helpers/cli.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
afterEach(() => setLanguage('en'));

function thrown(fn: () => unknown): LabError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LabError) return err;
    throw err;
  }
  throw new Error('nothing was thrown');
}

describe('VM errors', () => {
  test('qemu missing: said in Chinese with its remedy, English kept', () => {
    const path = process.env.PATH;
    // which() also looks in the sbin folders: qemu lives in /usr/bin, so it is not found.
    process.env.PATH = '/nonexistent';
    let err: LabError;
    try {
      err = thrown(() => vmTools());
    } finally {
      process.env.PATH = path;
    }
    expect(err.message).toBe('qemu is not installed: the VM needs qemu-system-x86_64');
    expect(err.remedy).toBe(
      'sudo apt-get install qemu-system-x86 (or run the set-up: sudo scripts/setup.sh)',
    );
    setLanguage('zh');
    expect(shownMessage(err)).toBe('未安装 qemu：虚拟机需要 qemu-system-x86_64');
    expect(shownRemedy(err)).toBe(
      'sudo apt-get install qemu-system-x86（或运行安装：sudo scripts/setup.sh）',
    );
  });

  test('a module the guest kernel lacks, in Russian', () => {
    const err = thrown(() => loadOrder(new Map(), ['virtiofs']));
    expect(err.message).toBe('the guest kernel has no module virtiofs (needed by the VM)');
    setLanguage('ru');
    expect(shownMessage(err)).toBe('в ядре гостевой системы нет модуля virtiofs (нужен для ВМ)');
  });
});

describe('image and daemon errors', () => {
  test('a machine type the image cannot be built for, in Indonesian', () => {
    const err = thrown(() => hostPlatform('sparc64'));
    expect(err.message).toBe('the lab image cannot be built for this machine type (sparc64)');
    setLanguage('id');
    expect(shownMessage(err)).toBe('image lab tidak bisa dibangun untuk jenis mesin ini (sparc64)');
  });

  test('a socket path too long for a daemon, in Chinese, with its remedy', () => {
    const long = `/tmp/${'x'.repeat(120)}/containerd.sock`;
    const err = thrown(() => checkSocketPath(long, 'containerd'));
    expect(err.message).toContain('is longer than 107 bytes, the limit of a unix socket');
    setLanguage('zh');
    expect(shownMessage(err)).toBe(
      `containerd 的套接字路径 ${long} 超过了 107 字节，即 unix 套接字的上限`,
    );
    expect(shownRemedy(err)).toBe('把 CONTLAB_RUN 设为更短的目录（例如 /run/contlab）');
  });
});

describe('flags and translate through the CLI', () => {
  test('vm run --memory abc in Chinese; English as it was', () => {
    const zh = contlab(['--lang', 'zh', 'vm', 'run', '--memory', 'abc', '--', 'true']);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('--memory abc：应为正数');
    const en = contlab(['vm', 'run', '--memory', 'abc', '--', 'true'], {
      ...process.env,
      LANG: 'C',
      LC_ALL: '',
    });
    expect(en.stderr).toContain('--memory abc: expected a positive number');
  });

  test('vm run --accel in Russian, progress --export and --import in Indonesian', () => {
    const ru = contlab(['--lang', 'ru', 'vm', 'run', '--accel', 'foo', '--', 'true']);
    expect(ru.stderr).toContain('--accel foo: ожидалось auto, kvm или tcg');
    const id = contlab(['--lang', 'id', 'progress', '--export', 'a', '--import', 'b']);
    expect(id.stderr).toContain('berikan --export atau --import, jangan keduanya');
  });

  test('monitor --pid abc in Chinese; English as it was', () => {
    const zh = contlab(['--lang', 'zh', 'monitor', '--pid', 'abc']);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('--pid 需要进程 ID，而不是“abc”');
    const en = contlab(['monitor', '--pid', '1', '--cgroup', 'x'], {
      ...process.env,
      LANG: 'C',
      LC_ALL: '',
    });
    expect(en.stderr).toContain('give one of --pid, --lesson or --cgroup');
  });

  test('translate without lessons, in Chinese, with its remedy', () => {
    const r = contlab(['--lang', 'zh', 'translate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('哪些课程？');
    expect(r.stderr).toContain('请列出课程（contlab translate cgroups --lang zh），或给出 --all');
    expect(r.stderr).not.toContain('which lessons');
  });
});
