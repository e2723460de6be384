/**
 * The lab's own containerd and dockerd for lessons that list them in `requirements.daemons`:
 * started in the lesson's lab session (journaled, removed with it), the lab image imported
 * into them, and the environment that points the learner's `ctr` and `docker` at them,
 * never at the system's daemons.
 */
import {
  importLabImage,
  loadLabImage,
  startLabContainerd,
  startLabDockerd,
} from '../../engine/daemons/index.js';
import type { LabSession } from '../../engine/session.js';

export type LabDaemon = 'containerd' | 'dockerd' | 'dockerd-bridge';

export async function startDaemons(
  session: LabSession,
  wanted: readonly LabDaemon[],
): Promise<Record<string, string>> {
  if (wanted.length === 0) return {};
  const containerd = await startLabContainerd(session);
  await importLabImage(containerd);
  const env: Record<string, string> = { ...containerd.env() };
  if (wanted.includes('dockerd') || wanted.includes('dockerd-bridge')) {
    const network = wanted.includes('dockerd-bridge') ? 'bridge' : 'none';
    const dockerd = await startLabDockerd(session, containerd, { network });
    await loadLabImage(dockerd);
    Object.assign(env, dockerd.env());
  }
  return env;
}
