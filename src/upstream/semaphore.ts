// A FIFO counting semaphore with a bounded wait queue, cancellable waits and release-exactly-once permits.
import type { CancelListener, Cancellation } from './cancellation.js'

/**
 * Hand-written: the maintained libraries (p-limit, async-sema, @henrygd/semaphore) lack at least one of
 * what this service relies on: a bounded queue that refuses at once, a waiter that leaves the queue when
 * its request is cancelled, permits whose second release is a no-op, and counters for metrics.
 */

export class QueueFullError extends Error {
  constructor (limit: number) {
    super(`the upstream call queue is full (${limit} waiting)`)
    this.name = 'QueueFullError'
  }
}

export interface Permit {
  /** Gives the permit back. Idempotent: only the first call counts. */
  release (): void
}

interface Waiter extends CancelListener {
  resolve (permit: Permit): void
  cancellation: Cancellation | undefined
  /** Set when cancelled while queued; the entry is skipped when it reaches the head. */
  gone: boolean
}

export class Semaphore {
  readonly limit: number
  readonly queueLimit: number
  #available: number
  #queue: (Waiter | undefined)[] = []
  #head = 0
  #waiting = 0

  constructor (limit: number, queueLimit = Number.POSITIVE_INFINITY) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`)
    if (!(queueLimit >= 0)) throw new RangeError(`semaphore queueLimit must be >= 0, got ${queueLimit}`)
    this.limit = limit
    this.queueLimit = queueLimit
    this.#available = limit
  }

  /** Permits currently held. */
  get inFlight (): number { return this.limit - this.#available }
  /** Callers currently queued for a permit. */
  get waiting (): number { return this.#waiting }

  /** A permit now, or undefined when none is free. Never queues. */
  tryAcquire (): Permit | undefined {
    if (this.#available === 0 || this.#waiting > 0) return undefined
    this.#available--
    return this.#permit()
  }

  /**
   * A permit, first come first served. Rejects with QueueFullError when `queueLimit` callers already
   * wait, and with the cancellation's reason when it is cancelled before a permit is granted.
   */
  acquire (cancellation?: Cancellation): Promise<Permit> {
    const permit = this.tryAcquire()
    if (permit !== undefined) return Promise.resolve(permit)
    if (cancellation?.reason !== undefined) return Promise.reject(cancellation.reason)
    if (this.#waiting >= this.queueLimit) return Promise.reject(new QueueFullError(this.queueLimit))
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        cancellation,
        gone: false,
        cancelled: (reason) => {
          waiter.gone = true
          this.#waiting--
          reject(reason)
        },
      }
      cancellation?.addListener(waiter)
      this.#queue.push(waiter)
      this.#waiting++
    })
  }

  #permit (): Permit {
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        this.#handOver()
      },
    }
  }

  /** A released permit goes straight to the oldest live waiter, or back to the pool. */
  #handOver (): void {
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head]
      this.#queue[this.#head++] = undefined
      if (waiter === undefined || waiter.gone) continue
      this.#waiting--
      waiter.cancellation?.removeListener(waiter)
      this.#compact()
      waiter.resolve(this.#permit())
      return
    }
    this.#queue.length = 0
    this.#head = 0
    this.#available++
  }

  /** Drops the consumed head of the queue array once it is most of it, so memory stays bounded. */
  #compact (): void {
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
  }
}
