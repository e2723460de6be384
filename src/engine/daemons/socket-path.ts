/** Unix socket paths are limited by sockaddr_un.sun_path: 108 bytes with the final NUL. */
import { phrase } from '../../i18n/phrase.js';
import { LabError } from '../errors.js';

export const MAX_SOCKET_PATH = 107;

export function checkSocketPath(path: string, what: string): string {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new LabError(
      phrase('error.daemon.socketPath', { what, path, max: String(MAX_SOCKET_PATH) }),
      { remedy: phrase('error.daemon.socketPath.remedy', { example: '/run/contlab' }) },
    );
  }
  return path;
}
