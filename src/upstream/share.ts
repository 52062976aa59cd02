// A share of a Limiter: at most `slots` of its permits at once for whoever holds the share (a batch, an adaptive ceiling).
import type { Cancellation } from './cancellation.js'
import type { Limiter, LimiterStats, Permit, PermitOutcome } from './limiter.js'
import { Semaphore } from './semaphore.js'

/**
 * A caller first waits for one of the share's slots (FIFO, cancellable), then for a permit of the inner
 * limiter; the permit it gets back gives both up, once. The share can be resized (the adaptive ceiling
 * does), and hears how each call went (`settled`).
 */
export class LimiterShare implements Limiter {
  readonly inner: Limiter
  /** The share's slots: a number of them in this process, or a Limiter of their own (one the cluster shares). */
  protected readonly slots: Limiter
  /** Permits of the share held now: a slot and the inner permit both (a slot alone may still wait). */
  #held = 0

  constructor (inner: Limiter, slots: number | Limiter) {
    this.inner = inner
    this.slots = typeof slots === 'number' ? new Semaphore(slots, Number.POSITIVE_INFINITY) : slots
  }

  /** Slots of the share now. */
  get size (): number {
    return this.slots.stats().limit
  }

  stats (): LimiterStats {
    const inner = this.inner.stats()
    const slots = this.slots.stats()
    return { inUse: this.#held, limit: Math.min(inner.limit, slots.limit), waiting: inner.waiting + slots.waiting, queueLimit: inner.queueLimit }
  }

  /** Callers queue for a slot first, then for the inner limiter: the longer wait of the two. */
  estimateWaitMs (calls: number): number | undefined {
    const slots = this.slots.estimateWaitMs(calls)
    const inner = this.inner.estimateWaitMs(calls)
    return slots === undefined ? inner : Math.max(slots, inner ?? 0)
  }

  tryAcquire (): Permit | undefined {
    const slot = this.slots.tryAcquire()
    if (slot === undefined) return undefined
    const permit = this.inner.tryAcquire()
    if (permit === undefined) {
      slot.release()
      return undefined
    }
    return new SharePermit(this, slot, permit)
  }

  async acquire (caller: Cancellation): Promise<Permit> {
    const slot = this.slots.tryAcquire() ?? await this.slots.acquire(caller)
    try {
      return new SharePermit(this, slot, this.inner.tryAcquire() ?? await this.inner.acquire(caller))
    } catch (err) {
      slot.release()
      throw err
    }
  }

  /** A call under the share ended, after `heldMs`; subclasses learn from it. */
  settled (_outcome: PermitOutcome | undefined, _heldMs: number): void {}

  /** Counts a permit of the share granted (+1) or given back (-1). */
  countHeld (delta: 1 | -1): void {
    this.#held += delta
  }

  /** performance.now(), or a test's clock. */
  now (): number {
    return performance.now()
  }
}

class SharePermit implements Permit {
  #owner: LimiterShare | undefined
  #slot: Permit
  #permit: Permit
  #grantedAt: number

  constructor (owner: LimiterShare, slot: Permit, permit: Permit) {
    this.#owner = owner
    this.#slot = slot
    this.#permit = permit
    this.#grantedAt = owner.now()
    owner.countHeld(1)
  }

  release (outcome?: PermitOutcome): void {
    const owner = this.#owner
    if (owner === undefined) return
    this.#owner = undefined
    owner.countHeld(-1)
    this.#permit.release(outcome)
    owner.settled(outcome, owner.now() - this.#grantedAt)
    this.#slot.release()
  }
}
