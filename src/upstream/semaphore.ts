// The in-process Limiter: a FIFO counting semaphore with a bounded queue, cancellable waits, release-once permits.
import { PartFailure } from '../errors.js'
import type { CancelListener, Cancellation } from './cancellation.js'
import type { Limiter, LimiterStats, Permit } from './limiter.js'

/**
 * Hand-written: the maintained libraries (p-limit, async-sema, @henrygd/semaphore) lack at least one of
 * what this service relies on: a bounded queue that refuses at once, a waiter that leaves the queue when
 * its request is cancelled, permits whose second release is a no-op, and the measured hold time that
 * the wait estimate is built on.
 */

/**
 * Hold times seen before the wait estimate is given. A cold burst has no data yet and is served:
 * refusing on a guess would shed load that the upstream could have handled.
 */
export const MIN_SAMPLES = 50

interface Waiter extends CancelListener {
  resolve (permit: Permit): void
  cancellation: Cancellation
  /** Set when cancelled while queued; the entry is skipped when it reaches the head. */
  gone: boolean
}

export class Semaphore implements Limiter {
  limit: number
  readonly queueLimit: number
  #available: number
  #queue: (Waiter | undefined)[] = []
  #head = 0
  #waiting = 0
  /** Smoothed time a permit is held, in ms, and how many holds it is based on. */
  #holdMs = 0
  #holdSamples = 0

  constructor (limit: number, queueLimit = Number.POSITIVE_INFINITY) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`)
    if (!(queueLimit >= 0)) throw new RangeError(`semaphore queueLimit must be >= 0, got ${queueLimit}`)
    this.limit = limit
    this.queueLimit = queueLimit
    this.#available = limit
  }

  /**
   * Changes the limit. Raising it grants waiters at once; lowering it takes effect as permits come back
   * (none is taken from its holder).
   */
  resize (limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`)
    this.#available += limit - this.limit
    this.limit = limit
    while (this.#available > 0 && this.#waiting > 0) {
      this.#available--
      this.#grantNext()
    }
  }

  stats (): LimiterStats {
    return { inUse: this.limit - this.#available, limit: this.limit, waiting: this.#waiting, queueLimit: this.queueLimit }
  }

  /** Calls ahead drain `limit` at a time, each wave lasting about one hold time. */
  estimateWaitMs (calls: number): number | undefined {
    if (this.#holdSamples < MIN_SAMPLES) return undefined
    const free = this.#waiting > 0 ? 0 : Math.max(0, this.#available)
    const queued = this.#waiting + Math.max(0, calls - free)
    return queued === 0 ? 0 : Math.ceil(queued / this.limit) * this.#holdMs
  }

  tryAcquire (): Permit | undefined {
    // Below zero after a resize under the permits in use: what comes back pays that off first.
    if (this.#available <= 0 || this.#waiting > 0) return undefined
    this.#available--
    return new LocalPermit(this)
  }

  acquire (caller: Cancellation): Promise<Permit> {
    const permit = this.tryAcquire()
    if (permit !== undefined) return Promise.resolve(permit)
    if (caller.reason !== undefined) return Promise.reject(caller.reason)
    if (this.#waiting >= this.queueLimit) {
      return Promise.reject(new PartFailure('OVERLOADED', `the upstream call queue is full (${this.queueLimit} waiting)`, { retryAfterMs: 1000 }))
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        cancellation: caller,
        gone: false,
        cancelled: (reason) => {
          waiter.gone = true
          this.#waiting--
          reject(reason)
        },
      }
      caller.addListener(waiter)
      this.#queue.push(waiter)
      this.#waiting++
    })
  }

  /** Called once per permit: a released permit goes straight to the oldest live waiter, or back to the pool. */
  handBack (heldMs: number): void {
    this.#holdSamples++
    // An EWMA with a short memory (alpha 0.1): it follows the upstream's latency within tens of calls.
    this.#holdMs = this.#holdSamples === 1 ? heldMs : this.#holdMs + 0.1 * (heldMs - this.#holdMs)
    // After a resize below the permits in use, a returning permit only pays back what is owed.
    if (this.#available < 0 || !this.#grantNext()) this.#available++
  }

  /** Gives a permit to the oldest live waiter; false when nobody waits. */
  #grantNext (): boolean {
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head]
      this.#queue[this.#head++] = undefined
      if (waiter === undefined || waiter.gone) continue
      this.#waiting--
      waiter.cancellation.removeListener(waiter)
      this.#compact()
      waiter.resolve(new LocalPermit(this))
      return true
    }
    this.#queue.length = 0
    this.#head = 0
    return false
  }

  /** Drops the consumed head of the queue array once it is most of it, so memory stays bounded. */
  #compact (): void {
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
  }
}

class LocalPermit implements Permit {
  #owner: Semaphore | undefined
  #grantedAt = performance.now()

  constructor (owner: Semaphore) {
    this.#owner = owner
  }

  release (): void {
    const owner = this.#owner
    if (owner === undefined) return
    this.#owner = undefined
    owner.handBack(performance.now() - this.#grantedAt)
  }
}
