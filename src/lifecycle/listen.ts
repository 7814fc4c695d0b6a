import type { Server } from 'node:http';
import { BootError } from './boot-error';

/**
 * Listens on `port` (every interface, as Nest's app.listen does). Not app.listen: that logs the
 * error with a stack trace of its own before rejecting; here a port that cannot be had is one
 * line naming it.
 */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new BootError(`port ${port} is already in use (PORT=${port}): stop the process that holds it, or set PORT to a free port`));
      } else if (error.code === 'EACCES') {
        reject(
          new BootError(
            `no permission to listen on port ${port} (PORT=${port}): ports below 1024 need root or CAP_NET_BIND_SERVICE; set PORT to 1024 or above`,
          ),
        );
      } else {
        reject(error);
      }
    };
    server.once('error', onError);
    server.listen(port, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
