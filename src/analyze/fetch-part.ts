// Where a part's value comes from: the memory tier, a flight already under way, or a new flight (shared tier, then upstream).
import type { Found, ResultCache } from '../cache/result-cache.js'
import type { PartFailure } from '../errors.js'
import type { PartName, PartOutcome, PartValues } from '../parts.js'
import type { Limiter } from '../upstream/limiter.js'
import { Flight } from './flight.js'
import type { FlightResult, WaiterResult } from './flight.js'
import type { Scope } from './scope.js'

/**
 * What the request allows the cache: `use` it (the default), `refresh` it (Cache-Control: no-cache: not
 * read, the fresh result still stored), or `bypass` it (no-store: neither read nor stored). Only `use`
 * joins work already in flight: the other two asked for an answer of their own.
 */
export type CacheMode = 'use' | 'refresh' | 'bypass'

/** Runs a part against the upstream under a cancellation and a limiter (run-part.ts, bound to its deps). */
export type UpstreamRun = (part: PartName, body: string, flight: Flight, requestId: string) => Promise<PartOutcome>

export class PartFetcher {
  #cache: ResultCache | undefined
  #limiter: Limiter
  #run: UpstreamRun
  #flights = new Map<string, Flight>()
  #forget = (flight: Flight): void => {
    if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key)
  }

  constructor (opts: { cache: ResultCache | undefined, limiter: Limiter, run: UpstreamRun }) {
    this.#cache = opts.cache
    this.#limiter = opts.limiter
    this.#run = opts.run
  }

  /** Flights under way now (metrics). */
  get inFlight (): number {
    return this.#flights.size
  }

  /** What the memory tier holds for `key`, when the cache may be read. */
  peek (key: string, mode: CacheMode): Found | undefined {
    return mode === 'use' ? this.#cache?.peek(key) : undefined
  }

  /**
   * The part's outcome for this request; never rejects for an expected failure. `found` is what `peek`
   * found for it (the runner peeks first, to admit only what needs a call). A flight this request
   * starts takes its permits from `limiter` (a batch's share), by default the service's.
   */
  async fetch<P extends PartName> (part: P, key: string, found: Found | undefined, body: string, scope: Scope, requestId: string, mode: CacheMode, limiter: Limiter = this.#limiter): Promise<PartOutcome<P>> {
    const cache = this.#cache
    let result: WaiterResult
    if (found?.fresh !== undefined) return outcome(part, scope, { ok: true, value: found.fresh.value, cache: 'hit', attempts: 0 })
    if (mode === 'use') {
      const running = this.#flights.get(key)
      if (running !== undefined) {
        result = await running.join(scope, true)
      } else {
        const flight = new Flight(key, part, limiter, this.#forget)
        flight.stale = found?.stale
        this.#flights.set(key, flight)
        const joined = flight.join(scope, false)
        this.#fly(flight, body, requestId, mode).catch((err: unknown) => flight.crash(err))
        result = await joined
      }
    } else {
      // A flight of its own, that nobody joins; the cache was not read.
      const flight = new Flight(key, part, limiter, noop)
      const joined = flight.join(scope, false)
      this.#fly(flight, body, requestId, mode).catch((err: unknown) => flight.crash(err))
      result = await joined
      if (cache !== undefined) result.cache = 'bypass'
    }
    if (cache === undefined && result.cache !== 'collapsed') result.cache = undefined
    return outcome(part, scope, result)
  }

  /** The shared work: the shared tier, then the upstream; a success is stored, a failure may be answered stale. */
  async #fly (flight: Flight, body: string, requestId: string, mode: CacheMode): Promise<void> {
    const cache = this.#cache
    let result: FlightResult
    if (mode === 'use' && cache?.shared !== undefined) {
      const found = await cache.lookup(flight.key)
      if (found.fresh !== undefined) return flight.settle({ ok: true, value: found.fresh.value, cache: 'hit', attempts: 0 })
      flight.stale ??= found.stale
    }
    const upstream = flight.reason === undefined ? await this.#run(flight.part, body, flight, requestId) : undefined
    if (upstream === undefined) return
    if (upstream.ok) {
      if (mode !== 'bypass') cache?.store(flight.key, upstream.value)
      result = { ok: true, value: upstream.value, cache: 'miss', attempts: upstream.attempts }
    } else if (flight.stale !== undefined && servesStale(upstream.failure)) {
      result = { ok: true, value: flight.stale.value, cache: 'stale', attempts: upstream.attempts }
    } else {
      result = { ok: false, failure: upstream.failure, attempts: upstream.attempts }
    }
    flight.settle(result)
  }
}

/** stale-if-error: any failure of the upstream, not a request leaving or the service stopping. */
function servesStale (failure: PartFailure): boolean {
  return failure.code !== 'CLIENT_CLOSED' && failure.code !== 'SHUTTING_DOWN'
}

/** A waiter's result as this request's part outcome, its time counted from the request's start. */
function outcome<P extends PartName> (part: P, scope: Scope, r: WaiterResult): PartOutcome<P> {
  const durationMs = performance.now() - scope.startedAt
  return r.ok
    ? { part, ok: true, value: r.value as PartValues[P], durationMs, attempts: r.attempts, cache: r.cache }
    : { part, ok: false, failure: r.failure, durationMs, attempts: r.attempts, cache: r.cache }
}

function noop (): void {}
