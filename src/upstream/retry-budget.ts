// A retry budget: retries may be at most a fixed share of calls over a sliding window.

/**
 * Hand-written (cockatiel and undici's retry handler have no budget): a ring of one-second buckets
 * counting first attempts and retries. A retry is allowed while retries stay under `ratio` of the
 * first attempts in the window, plus a small floor so a quiet endpoint can still retry at all.
 * This caps the extra load an outage can cause at `ratio`, instead of multiplying it by the attempts.
 */
export class RetryBudget {
  readonly ratio: number
  readonly minPerWindow: number
  /** Retries refused since start because the budget was spent. */
  refused = 0
  #calls: Int32Array
  #retries: Int32Array
  #bucketMs: number
  #current = 0
  #currentStart = 0
  #callSum = 0
  #retrySum = 0

  constructor (opts: { ratio: number, windowMs?: number, minPerWindow?: number, now?: number }) {
    if (!(opts.ratio >= 0 && opts.ratio <= 1)) throw new RangeError(`retry budget ratio must be within [0, 1], got ${opts.ratio}`)
    const windowMs = opts.windowMs ?? 10_000
    const buckets = 10
    this.ratio = opts.ratio
    this.minPerWindow = opts.minPerWindow ?? 3
    this.#bucketMs = Math.max(1, Math.round(windowMs / buckets))
    this.#calls = new Int32Array(buckets)
    this.#retries = new Int32Array(buckets)
    this.#currentStart = opts.now ?? Date.now()
  }

  /** Records a first attempt. */
  recordCall (now = Date.now()): void {
    this.#rotate(now)
    this.#calls[this.#current]!++
    this.#callSum++
  }

  /** Takes one retry from the budget; false when the budget is spent (and then nothing is recorded). */
  tryRetry (now = Date.now()): boolean {
    this.#rotate(now)
    if (this.#retrySum >= this.minPerWindow + this.ratio * this.#callSum) {
      this.refused++
      return false
    }
    this.#retries[this.#current]!++
    this.#retrySum++
    return true
  }

  #rotate (now: number): void {
    let steps = Math.floor((now - this.#currentStart) / this.#bucketMs)
    if (steps <= 0) return
    if (steps > this.#calls.length) steps = this.#calls.length
    for (let i = 0; i < steps; i++) {
      this.#current = (this.#current + 1) % this.#calls.length
      this.#callSum -= this.#calls[this.#current]!
      this.#retrySum -= this.#retries[this.#current]!
      this.#calls[this.#current] = 0
      this.#retries[this.#current] = 0
    }
    this.#currentStart = now - ((now - this.#currentStart) % this.#bucketMs)
  }
}
