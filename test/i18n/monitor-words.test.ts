/**
 * `contlab monitor` in the chosen language: what it watches, the pids gauge, and the event
 * log (processes started and exited, OOM kills). The log's lines come from a model whose
 * sampler never starts (its events are emitted by hand); the real CLI in a pseudo-terminal
 * watches a lab cgroup path that does not exist, so it reads nothing and creates nothing.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import type { ProcessInfo } from '../../src/engine/observer/index.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { MonitorModel } from '../../src/ui/monitor/monitor-model.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { endAll, startContlab } from '../ui/lab-check.js';

ensureBuilt();
const lab = makeTempLab();
afterEach(async () => {
  setLanguage('en');
  await endAll();
});
afterAll(() => lab.remove());

/** A process as the sampler reads it; only its name and PID show in the log. */
function processInfo(pid: number, comm: string): ProcessInfo {
  return {
    pid,
    ppid: 1,
    start: 1,
    comm,
    args: [comm],
    state: 'S',
    threads: 1,
    kernelThread: false,
    uid: null,
    gid: null,
    nspid: [pid],
    namespaces: {},
    cgroups: null,
    caps: null,
    noNewPrivs: null,
    seccomp: null,
    root: null,
  };
}

/** The log lines of a model watching PID 4242 after a start, an OOM kill and an exit. */
function loggedLines(): string[] {
  const model = new MonitorModel({ kind: 'pid', pid: 4242 }, 'unused');
  const sleep = processInfo(4242, 'sleep');
  model.sampler.emit('process-started', { process: sleep });
  model.sampler.emit('oom-kill', { watch: 'target', file: 'memory.events', count: 3, delta: 2 });
  model.sampler.emit('process-exited', { process: sleep });
  model.stop();
  return model.getView().events.map((e) => e.text);
}

describe('the event log', () => {
  test('in English, as it was', () => {
    expect(loggedLines()).toEqual([
      'started sleep(4242)',
      'OOM kill: the kernel killed 2 processes (3 in all)',
      'exited  sleep(4242)',
    ]);
  });

  test('in Russian, with the plural the count needs', () => {
    setLanguage('ru');
    expect(loggedLines()).toEqual([
      'запущен  sleep(4242)',
      'OOM kill: ядро убило 2 процесса (всего 3)',
      'завершён sleep(4242)',
    ]);
  });

  test('in Chinese and Indonesian', () => {
    setLanguage('zh');
    expect(loggedLines()).toEqual([
      '启动 sleep(4242)',
      'OOM kill：内核杀死了 2 个进程（累计 3 个）',
      '退出 sleep(4242)',
    ]);
    setLanguage('id');
    expect(loggedLines()[1]).toBe('OOM kill: kernel mematikan 2 proses (total 3)');
  });
});

describe('contlab monitor on the screen', () => {
  // Under the lab's cgroup parent, but no lab makes a cgroup by this name: nothing to read.
  const path = `/contlab/mw${process.pid}`;
  const watch = (lang: string[], env: NodeJS.ProcessEnv = {}) =>
    startContlab([...lang, 'monitor', '--cgroup', path], {
      env: { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run, ...env },
      // Wide enough for the log's first line in full: its panel is a third of the screen.
      cols: 200,
      rows: 40,
    });

  test('in Russian: what it watches and the pids gauge', async () => {
    const ui = watch(['--lang', 'ru']);
    await ui.waitForText(`наблюдаем: контрольная группа ${path}`);
    await ui.waitForText('процессы: 0 / max');
    expect(ui.screenText()).not.toMatch(/watching|pids \d/);
    ui.press('q');
    expect((await ui.exited()).exitCode).toBe(0);
  });

  test('in Chinese from LANG', async () => {
    const ui = watch([], { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' });
    await ui.waitForText(`正在监视：控制组 ${path}`);
    await ui.waitForText('进程数 0 / max');
    ui.press('q');
    expect((await ui.exited()).exitCode).toBe(0);
  });

  test('in English, as it was', async () => {
    const ui = watch([], { LANG: 'C', LC_ALL: '', LC_MESSAGES: '' });
    await ui.waitForText(`watching cgroup ${path}`);
    await ui.waitForText('pids 0 / max');
    ui.press('q');
    expect((await ui.exited()).exitCode).toBe(0);
  });
});
