import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection, for the untimed preparation of a batch: so that the garbage a previous
 * batch left (e.g. a cache tier just emptied) is not collected inside the next contender's timed
 * batch. Works without `--expose-gc` on the command line.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
