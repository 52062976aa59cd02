// A task's cancellation flag: one Int32 in a SharedArrayBuffer, raised by the main thread, read by the worker's checkpoint.
import { AnalysisCancelledError } from './errors.js'

/** Shared, not copied, when posted to a worker: both threads see the same memory. */
export type CancelFlag = Int32Array

export function createCancelFlag (): CancelFlag {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
}

export function raise (flag: CancelFlag): void {
  Atomics.store(flag, 0, 1)
}

/** The analyses' checkpoint: a load, a compare; it throws once the flag is raised. */
export function checkpointOf (flag: CancelFlag): () => void {
  return () => {
    if (Atomics.load(flag, 0) !== 0) throw new AnalysisCancelledError()
  }
}
