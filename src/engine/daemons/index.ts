/** The lab daemons: private containerd and dockerd instances owned by a lab session. */
export { startLabContainerd, type LabContainerd } from './containerd.js';
export { startLabDockerd, type LabDockerd } from './dockerd.js';
export { importLabImage, loadLabImage } from './images.js';
export { runInContainerd, runInDocker, type LabContainer } from './containers.js';
