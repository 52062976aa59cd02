// An adaptive ceiling (AIMD) on this replica's upstream calls: lowered when the upstream signals overload, raised while calls succeed.
import type { Limiter, PermitOutcome } from './limiter.js'
import { Semaphore } from './semaphore.js'
import { LimiterShare } from './share.js'

/**
 * Hand-written: the adaptive-concurrency libraries for Node either shape a queue of their own or need
 * latency gradients that an analysis whose time grows with its text would mislead. This is the classic
 * additive increase, multiplicative decrease of TCP: each call that succeeds adds 1 / (INCREASE_EVERY x
 * ceiling), so the ceiling grows by one every three ceilings' worth of successes; a call the upstream
 * refused for overload (429, a shedding 503, a timeout) multiplies it by DECREASE, at most once per call
 * time so a burst of refusals from one moment counts once. A call abandoned by its client says nothing.
 * With these two, against an upstream that refuses past K calls, a cycle from 0.7 K back to K + 1 takes
 * about 1.5 (K + 1)^2 - 0.7 K^2 successes for one refusal (K = 8: about 1 %), and the ceiling averages
 * about 0.9 K.
 */

const DECREASE = 0.7
const INCREASE_EVERY = 3

export class AdaptiveLimiter extends LimiterShare {
  /** The configured limit: the ceiling never rises above it. */
  readonly max: number
  #ceiling: number
  #lastDecrease = Number.NEGATIVE_INFINITY
  /** Smoothed call time, in ms: the spacing of decreases. */
  #callMs = 0
  #now: () => number

  /** The share's slots, resized as the ceiling moves. */
  #slots: Semaphore

  constructor (inner: Limiter, max: number, now: () => number = performance.now.bind(performance)) {
    const slots = new Semaphore(max, Number.POSITIVE_INFINITY)
    super(inner, slots)
    this.#slots = slots
    this.max = max
    this.#now = now
    this.#ceiling = max
  }

  /** The ceiling now (calls this replica lets in flight). */
  get ceiling (): number {
    return Math.floor(this.#ceiling)
  }

  override now (): number {
    return this.#now()
  }

  /** A call ended: the ceiling learns from how. */
  override settled (outcome: PermitOutcome | undefined, heldMs: number): void {
    // One sample moves the smoothed time by at most 30 %: a call held through a stall of the process (a
    // busy machine, a long collection) would otherwise space the decreases by seconds, while the
    // refusals of an upstream it overloads kept coming (CI: 37 % of calls refused at K = 8).
    this.#callMs = this.#callMs === 0 ? heldMs : this.#callMs + 0.1 * (Math.min(heldMs, 4 * this.#callMs) - this.#callMs)
    if (outcome === 'ok') {
      this.#ceiling = Math.min(this.max, this.#ceiling + 1 / (INCREASE_EVERY * this.#ceiling))
    } else if (outcome === 'overload') {
      const now = this.#now()
      if (now - this.#lastDecrease < this.#callMs) return
      this.#lastDecrease = now
      this.#ceiling = Math.max(1, this.#ceiling * DECREASE)
    } else {
      return
    }
    if (this.ceiling !== this.#slots.limit) this.#slots.resize(this.ceiling)
  }
}
