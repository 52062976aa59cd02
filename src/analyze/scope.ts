// A request's deadline and cancellation scope: one timer per request, however many calls it makes.
import type { CancelListener, Cancellation } from '../upstream/cancellation.js'
import { UpstreamFailure } from '../upstream/failure.js'

/**
 * Cancelled when the deadline passes (reason: a timeout failure) or when `cancel` is called (e.g. the
 * client went away). Callers learn why from `reason` and map it per part.
 */
export class Scope implements Cancellation {
  readonly startedAt: number
  readonly deadline: number
  reason: Error | undefined
  #listeners = new Set<CancelListener>()
  #timer: NodeJS.Timeout | undefined

  constructor (budgetMs: number, now = performance.now()) {
    this.startedAt = now
    this.deadline = now + budgetMs
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.cancel(new UpstreamFailure('UPSTREAM_TIMEOUT', `the request's ${budgetMs} ms deadline passed`))
    }, budgetMs)
  }

  remainingMs (now = performance.now()): number {
    return Math.max(0, this.deadline - now)
  }

  addListener (listener: CancelListener): void {
    this.#listeners.add(listener)
  }

  removeListener (listener: CancelListener): void {
    this.#listeners.delete(listener)
  }

  cancel (reason: Error): void {
    if (this.reason !== undefined) return
    this.reason = reason
    const listeners = [...this.#listeners]
    this.dispose()
    for (const l of listeners) l.cancelled(reason)
  }

  /** Stops the timer; call once the request is answered. Listeners still registered are dropped. */
  dispose (): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    this.#listeners.clear()
  }
}
