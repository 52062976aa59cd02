// A request's deadline and cancellation scope: one timer per request, however many calls it makes.
import { Cancelled } from '../errors.js'
import type { CancelListener, Cancellation } from '../upstream/cancellation.js'

/**
 * Cancelled once: when its deadline passes (reason kind `deadline`), when `cancel` is called (the
 * client left, the service is shutting down), or when its parent is cancelled (with the parent's
 * reason). Whoever is waiting on it learns the typed reason and maps it where it waits.
 */
export class Scope implements Cancellation, CancelListener {
  readonly startedAt: number
  /** performance.now() at which the deadline cancels the scope; Infinity for none. */
  readonly deadline: number
  reason: Cancelled | undefined
  #listeners = new Set<CancelListener>()
  #timer: NodeJS.Timeout | undefined
  #parent: Cancellation | undefined

  /** `clientDeadline`: the budget is one the client chose, shorter than the service's own (see Cancelled.byClient). */
  constructor (budgetMs: number, opts: { parent?: Cancellation | undefined, label?: string, now?: number, clientDeadline?: boolean } = {}) {
    this.startedAt = opts.now ?? performance.now()
    this.deadline = this.startedAt + budgetMs
    this.#parent = opts.parent
    if (this.#parent?.reason !== undefined) {
      this.reason = this.#parent.reason
      return
    }
    this.#parent?.addListener(this)
    if (Number.isFinite(budgetMs)) {
      const label = opts.label ?? 'request'
      const byClient = opts.clientDeadline === true
      this.#timer = setTimeout(() => {
        this.#timer = undefined
        this.cancel(new Cancelled('deadline', `the ${label}'s ${budgetMs} ms deadline passed`, byClient))
      }, budgetMs)
    }
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

  /** The parent was cancelled: so is this scope, for the same reason. */
  cancelled (reason: Cancelled): void {
    this.cancel(reason)
  }

  cancel (reason: Cancelled): void {
    if (this.reason !== undefined) return
    this.reason = reason
    const listeners = [...this.#listeners]
    this.dispose()
    for (const l of listeners) l.cancelled(reason)
  }

  /** Stops the timer and leaves the parent; call once the work is answered. Listeners still registered are dropped. */
  dispose (): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    this.#parent?.removeListener(this)
    this.#listeners.clear()
  }
}
