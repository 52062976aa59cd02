// In-flight coalescing: identical part calls share one flight (the shared-tier lookup, then the upstream call and its retries).
import { Cancelled, cancelledPart } from '../errors.js'
import type { PartFailure } from '../errors.js'
import type { CacheStatus, PartName } from '../parts.js'
import type { CancelListener, Cancellation } from '../upstream/cancellation.js'
import type { Limiter, LimiterStats, Permit, PermitOutcome } from '../upstream/limiter.js'
import type { CachedEntry } from '../cache/result-cache.js'
import type { Scope } from './scope.js'

/**
 * Hand-written: request coalescing exists in libraries only for safe methods or as a plain promise
 * memo (one waiter's cancellation cancels everyone's, or nobody's). Here each waiter keeps its own
 * deadline and cancellation, the shared work runs as long as anyone still waits (and is told the
 * longest deadline left), and is cancelled only when its last waiter leaves.
 */

/** How a flight ended, before each waiter makes it its own outcome. */
export type FlightResult =
  | { ok: true, value: unknown, cache: 'hit' | 'miss' | 'stale', attempts: number }
  | { ok: false, failure: PartFailure, attempts: number }

/** What a waiter gets back: the result, and how this waiter came by it. */
export type WaiterResult =
  | { ok: true, value: unknown, cache: CacheStatus | undefined, attempts: number }
  | { ok: false, failure: PartFailure, cache: CacheStatus | undefined, attempts: number }

/**
 * The shared work of one key. It is the Cancellation its upstream call runs under (remaining time: the
 * latest deadline among its waiters; cancelled when the last one leaves) and the Limiter it takes its
 * permit from, so it knows, itself, whether it is calling when a waiter's deadline passes.
 */
export class Flight implements Cancellation, Limiter, Permit {
  readonly key: string
  readonly part: PartName
  reason: Cancelled | undefined
  /** A stale entry to serve if the upstream fails. */
  stale: CachedEntry | undefined
  /** Upstream attempts so far: each one starts with a permit. */
  attempts = 0
  #waiters = new Set<Waiter>()
  #listeners = new Set<CancelListener>()
  #limiter: Limiter
  #permit: Permit | undefined
  #result: FlightResult | undefined
  #onEmpty: (flight: Flight) => void

  constructor (key: string, part: PartName, limiter: Limiter, onEmpty: (flight: Flight) => void) {
    this.key = key
    this.part = part
    this.#limiter = limiter
    this.#onEmpty = onEmpty
  }

  /** Adds a waiter under its own scope; `joined` says whether it joined work another request started. */
  join (scope: Scope, joined: boolean): Promise<WaiterResult> {
    return new Promise((resolve, reject) => {
      const waiter = new Waiter(this, scope, joined, resolve, reject)
      this.#waiters.add(waiter)
      // Already cancelled (a batch item started after its client left): it leaves at once, and a flight
      // it started is cancelled before it calls anyone.
      if (scope.reason !== undefined) return waiter.cancelled(scope.reason)
      scope.addListener(waiter)
    })
  }

  /** The shared work ended: every waiter still here gets the result. */
  settle (result: FlightResult): void {
    this.#result = result
    for (const w of this.#waiters) w.finish(result)
    this.#waiters.clear()
    this.#onEmpty(this)
  }

  /** The shared work threw (a bug, not an upstream failure): every waiter still here rejects with it. */
  crash (err: unknown): void {
    this.#result = { ok: false, failure: err as PartFailure, attempts: 0 }
    for (const w of this.#waiters) w.crash(err)
    this.#waiters.clear()
    this.#onEmpty(this)
  }

  /** A waiter left (its deadline, its client, shutdown); the last one to leave cancels the work. */
  leave (waiter: Waiter, reason: Cancelled): void {
    if (!this.#waiters.delete(waiter) || this.#waiters.size > 0 || this.#result !== undefined) return
    this.reason = reason
    this.#onEmpty(this)
    const listeners = [...this.#listeners]
    this.#listeners.clear()
    for (const l of listeners) l.cancelled(reason)
  }

  /** Whether the shared work holds a permit, i.e. is calling the upstream. */
  get calling (): boolean {
    return this.#permit !== undefined
  }

  // Cancellation
  remainingMs (now = performance.now()): number {
    let latest = 0
    for (const w of this.#waiters) if (w.scope.deadline > latest) latest = w.scope.deadline
    return Math.max(0, latest - now)
  }

  addListener (listener: CancelListener): void { this.#listeners.add(listener) }
  removeListener (listener: CancelListener): void { this.#listeners.delete(listener) }

  // Limiter: the flight holds at most one permit at a time (one attempt after another), so it is the permit.
  tryAcquire (): Permit | undefined {
    const permit = this.#limiter.tryAcquire()
    if (permit === undefined) return undefined
    this.#permit = permit
    this.attempts++
    return this
  }

  acquire (caller: Cancellation): Promise<Permit> {
    return this.#limiter.acquire(caller).then((permit) => {
      this.#permit = permit
      this.attempts++
      return this
    })
  }

  stats (): LimiterStats { return this.#limiter.stats() }
  estimateWaitMs (calls: number): number | undefined { return this.#limiter.estimateWaitMs(calls) }

  // Permit
  release (outcome?: PermitOutcome): void {
    const permit = this.#permit
    this.#permit = undefined
    permit?.release(outcome)
  }
}

/** One request waiting on a flight. */
class Waiter implements CancelListener {
  readonly scope: Scope
  #flight: Flight
  #joined: boolean
  #resolve: (result: WaiterResult) => void
  #reject: (err: unknown) => void

  constructor (flight: Flight, scope: Scope, joined: boolean, resolve: (result: WaiterResult) => void, reject: (err: unknown) => void) {
    this.#flight = flight
    this.scope = scope
    this.#joined = joined
    this.#resolve = resolve
    this.#reject = reject
  }

  crash (err: unknown): void {
    this.scope.removeListener(this)
    this.#reject(err)
  }

  finish (result: FlightResult): void {
    this.scope.removeListener(this)
    if (!result.ok) {
      // Retries happened once, in the shared call; a request that joined made no attempt of its own.
      this.#resolve({ ok: false, failure: result.failure, cache: this.#joined ? 'collapsed' : undefined, attempts: this.#joined ? 0 : result.attempts })
      return
    }
    const cache = result.cache === 'stale' ? 'stale' : this.#joined ? 'collapsed' : result.cache
    this.#resolve({ ok: true, value: result.value, cache, attempts: this.#joined ? 0 : result.attempts })
  }

  /** This request's own scope ended first: it leaves with its own code, or with a stale value when there is one. */
  cancelled (reason: Cancelled): void {
    const flight = this.#flight
    const stale = flight.stale
    const during = flight.calling ? 'calling' : 'waiting'
    const attempts = this.#joined ? 0 : flight.attempts
    flight.leave(this, reason)
    const cache = this.#joined ? 'collapsed' : undefined
    if (reason.kind === 'deadline' && stale !== undefined) {
      this.#resolve({ ok: true, value: stale.value, cache: 'stale', attempts })
      return
    }
    this.#resolve({ ok: false, failure: cancelledPart(reason, during), cache, attempts })
  }
}
