// The narrow cancellation interface that the semaphore, the upstream call and the sleeps accept.

/**
 * Something that may be cancelled once, with a reason. The request's deadline scope implements it.
 * Hand-written instead of AbortSignal: an EventTarget listener per upstream call is a measurable cost on
 * the hot path, and these listeners are registered and removed several times per request.
 */
export interface Cancellation {
  /** Set once cancelled; never cleared. */
  readonly reason: Error | undefined
  /** Runs `fn` on cancellation (at most once). Returns a function that unregisters it. */
  onCancel (fn: (reason: Error) => void): () => void
}

/** Resolves after `ms`, or rejects with the reason as soon as `cancellation` is cancelled. */
export function sleep (ms: number, cancellation: Cancellation): Promise<void> {
  if (cancellation.reason !== undefined) return Promise.reject(cancellation.reason)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unregister()
      resolve()
    }, ms)
    const unregister = cancellation.onCancel((reason) => {
      clearTimeout(timer)
      reject(reason)
    })
  })
}
