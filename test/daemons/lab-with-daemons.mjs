// Test fixture: a lab that starts a lab containerd and dockerd, imports the lab image, runs a
// journaled `sleep` container in each, plus one made by hand with plain ctr (as a learner
// would, not journaled), prints READY <json>, then waits to be killed with SIGKILL.
import { LabSession } from '../../dist/engine/session.js';
import { run } from '../../dist/engine/exec.js';
import {
  importLabImage,
  loadLabImage,
  runInContainerd,
  runInDocker,
  startLabContainerd,
  startLabDockerd,
} from '../../dist/engine/daemons/index.js';

const session = await LabSession.open();
const containerd = await startLabContainerd(session);
const image = await importLabImage(containerd);
await runInContainerd(session, containerd, 'sleeper', ['sleep', '1000'], { detach: true });
const byHand = await run('ctr', [
  '-a',
  containerd.address,
  '-n',
  containerd.namespace,
  'run',
  '-d',
  image.reference,
  'contlab-byhand',
  'sleep',
  '1000',
]);
if (byHand.code !== 0) throw new Error(`ctr run by hand: ${byHand.stderr}`);
const dockerd = await startLabDockerd(session, containerd);
await loadLabImage(dockerd, image);
await runInDocker(session, dockerd, 'dsleeper', ['sleep', '1000'], { detach: true });

const tasks = await containerd.ctr(['tasks', 'list']);
const mobyTasks = await run('ctr', ['-a', containerd.address, '-n', 'moby', 'tasks', 'list']);
const pids = (text) =>
  text
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => Number(l.trim().split(/\s+/)[1]));
process.stdout.write(
  'READY ' +
    JSON.stringify({
      sessionId: session.id,
      sessionDir: session.dir,
      sessionRunDir: session.runDir,
      containerdAddress: containerd.address,
      containerdPid: containerd.pid,
      containerdNamespace: containerd.namespace,
      dockerSocket: dockerd.socket,
      dockerdPid: dockerd.pid,
      sleepPids: [...pids(tasks.stdout), ...pids(mobyTasks.stdout)],
    }) +
    '\n',
);
setInterval(() => undefined, 1000);
