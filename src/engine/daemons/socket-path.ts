/** Unix socket paths are limited by sockaddr_un.sun_path: 108 bytes with the final NUL. */
import { LabError } from '../errors.js';

export const MAX_SOCKET_PATH = 107;

export function checkSocketPath(path: string, what: string): string {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new LabError(
      `the ${what} socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes, the limit of a unix socket`,
      { remedy: 'set CONTLAB_RUN to a shorter directory (for example /run/contlab)' },
    );
  }
  return path;
}
