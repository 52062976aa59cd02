// Lowers this worker thread's CPU priority when its pool asks (workerData.nice), before it loads the models.
import { getPriority, setPriority } from 'node:os'
import { workerData } from 'node:worker_threads'

/*
 * Linux only: there a nice value belongs to the thread (pid 0 is the calling thread), so a large
 * text's thread yields the cores to the small-text thread, the engine's event loop and the service,
 * without a native addon. Elsewhere it would renice the whole process, small texts included, so it
 * is skipped. Raising a nice value needs no privilege; lowering it again would, so a pool's threads
 * keep theirs for life.
 */
const nice = (workerData as { nice?: unknown } | null)?.nice
if (process.platform === 'linux' && typeof nice === 'number' && nice > 0) {
  setPriority(Math.min(19, getPriority() + nice))
}
