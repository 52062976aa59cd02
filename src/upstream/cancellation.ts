// The narrow cancellation interface that the limiter, the upstream call and the sleeps accept.
import type { Cancelled } from '../errors.js'

/** Told once when a Cancellation it listens to is cancelled. */
export interface CancelListener {
  cancelled (reason: Cancelled): void
}

/**
 * Something that may be cancelled once, with a typed reason. The request's deadline scope implements it.
 * Hand-written instead of AbortSignal: an EventTarget listener per upstream call is a measurable cost on
 * the hot path, and these listeners are registered and removed several times per request.
 */
export interface Cancellation {
  /** Set once cancelled; never cleared. */
  readonly reason: Cancelled | undefined
  /** ms left before the deadline cancels it (Infinity when it has none). */
  remainingMs (): number
  /**
   * Calls `listener.cancelled(reason)` on cancellation, at most once, unless it was removed first.
   * Listeners are objects the caller already has (a call's handler, a queue entry), so listening adds
   * no closure per call.
   */
  addListener (listener: CancelListener): void
  removeListener (listener: CancelListener): void
}

/** Resolves after `ms`, or rejects with the reason as soon as `cancellation` is cancelled. */
export function sleep (ms: number, cancellation: Cancellation): Promise<void> {
  if (cancellation.reason !== undefined) return Promise.reject(cancellation.reason)
  return new Promise((resolve, reject) => {
    const listener: CancelListener = {
      cancelled (reason) {
        clearTimeout(timer)
        reject(reason)
      },
    }
    const timer = setTimeout(() => {
      cancellation.removeListener(listener)
      resolve()
    }, ms)
    cancellation.addListener(listener)
  })
}
