/**
 * `contlab monitor [--pid N | --lesson LESSON | --cgroup PATH]`: the projector dashboard
 * (blessed-contrib) of one cgroup: a process's, a running lesson lab's, or one by path.
 * Without an option it follows the newest running lab, or every lab under `contlab/`.
 */
import '../../ui/app/production-env.js';
import type { Command } from 'commander';
import { LAB_CGROUP_PARENT } from '../../engine/cgroupfs.js';
import { LabError } from '../../engine/errors.js';
import type { MonitorTarget } from '../../ui/monitor/monitor-model.js';
import { requireTerminal } from './tty.js';
import { t } from '../../i18n/messages.js';
import { phrase } from '../../i18n/phrase.js';

interface MonitorOptions {
  pid?: string;
  lesson?: string;
  cgroup?: string;
  class?: string;
}

async function targetOf(opts: MonitorOptions): Promise<{ target: MonitorTarget; title: string }> {
  const { findLessonFile, liveLabs, loadLessonCached } =
    await import('../../ui/lessons/lessons-api.js');
  const given = [opts.pid, opts.lesson, opts.cgroup].filter((o) => o !== undefined).length;
  if (given > 1)
    throw new LabError(phrase('error.monitor.oneOf', { a: '--pid', b: '--lesson', c: '--cgroup' }));
  if (opts.pid !== undefined) {
    const pid = Number(opts.pid);
    if (!Number.isInteger(pid) || pid <= 0)
      throw new LabError(phrase('error.monitor.pid', { flag: '--pid', text: opts.pid }));
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH')
        throw new LabError(phrase('error.monitor.noProcess', { pid: String(pid) }), {
          remedy: phrase('error.monitor.noProcess.remedy'),
        });
    }
    return { target: { kind: 'pid', pid }, title: t('monitor.target.pid', { pid: String(pid) }) };
  }
  if (opts.cgroup !== undefined) {
    const path = `/${opts.cgroup.replace(/^\/+/, '').replace(/^sys\/fs\/cgroup\/[^/]+\//, '')}`;
    return { target: { kind: 'cgroup', path }, title: t('monitor.target.cgroup', { path }) };
  }
  if (opts.lesson !== undefined) {
    const lesson = await loadLessonCached(findLessonFile(opts.lesson));
    const lab = liveLabs(lesson.id)[0];
    if (lab === undefined)
      throw new LabError(phrase('error.monitor.noLab', { lesson: lesson.id }), {
        remedy: phrase('error.monitor.noLab.remedy', { command: `contlab start ${lesson.id}` }),
      });
    return {
      target: { kind: 'cgroup', path: lab.context.cgroupBase },
      title: t('monitor.target.lesson', { lesson: lesson.id, session: lab.sessionId }),
    };
  }
  const lab = liveLabs()[0];
  if (lab !== undefined)
    return {
      target: { kind: 'cgroup', path: lab.context.cgroupBase },
      title: t('monitor.target.lab', { session: lab.sessionId }),
    };
  return {
    target: { kind: 'cgroup', path: `/${LAB_CGROUP_PARENT}` },
    title: t('monitor.target.everyLab'),
  };
}

export function registerMonitor(program: Command): void {
  program
    .command('monitor')
    .description(t('cmd.monitor'))
    .option('--pid <n>', t('opt.monitor.pid'))
    .option('--lesson <lesson>', t('opt.monitor.lesson'))
    .option('--cgroup <path>', t('opt.monitor.cgroup'))
    .option('--class <link>', t('opt.monitor.class'))
    .action(async (opts: MonitorOptions) => {
      if (opts.class !== undefined) {
        const { openClassView } = await import('../../class/class-view-entry.js');
        process.exit(await openClassView(opts.class, () => requireTerminal('monitor --class')));
      }
      const { target, title } = await targetOf(opts);
      requireTerminal('monitor');
      // Loaded only now: blessed is large, and no other command needs it.
      const { runMonitor } = await import('../../ui/monitor/run-monitor.js');
      process.exit(await runMonitor(target, title));
    });
}
