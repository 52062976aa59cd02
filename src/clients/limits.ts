// Per-client limits (rate-limiter-flexible): characters of text per minute, requests per minute; on Redis with a local fallback.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import type { RedisLink } from '../redis/link.js'

/** Where a client stands with one limit after a request. */
export interface Standing {
  /** Points left in the window. */
  remaining: number
  /** ms until the window resets. */
  resetMs: number
}

export type Charge = { ok: true, standing: Standing } | { ok: false, standing: Standing }

/**
 * A number of points per 60 s window per client. With Redis it holds across replicas; while the link
 * is down, and for any call that fails or is slow, an in-memory limiter of the same points counts for
 * this replica, so a Redis outage never fails a request nor lifts the limit. That limiter is not
 * rate-limiter-flexible's `insuranceLimiter`: insurance swallows Redis's failures, which the link must
 * count to find an outage, and it tries Redis first on every call while a stalled server keeps its
 * connection open, so each call would wait out the command timeout.
 */
export class ClientLimit {
  readonly points: number
  readonly windowS = 60
  #local: RateLimiterAbstract
  #shared: { limiter: RateLimiterAbstract, link: RedisLink } | undefined
  /**
   * Each client's charges, one after another in this replica. rate-limiter-flexible counts a refused
   * charge's points until they are given back: a charge made meanwhile (a batch's next item, a
   * parallel request) saw them and was refused with quota left.
   */
  #charging = new Map<string, Promise<unknown>>()

  constructor (opts: { points: number, keyPrefix: string, redis?: RedisLink | undefined }) {
    this.points = opts.points
    const base = { points: opts.points, duration: this.windowS, keyPrefix: opts.keyPrefix }
    this.#local = new RateLimiterMemory(base)
    this.#shared = opts.redis === undefined
      ? undefined
      : { limiter: new RateLimiterRedis({ ...base, storeClient: opts.redis.client, rejectIfRedisNotReady: true }), link: opts.redis }
  }

  /** Takes `points` from the client's window, or says it has not enough left (and takes nothing). */
  charge (client: string, points: number): Promise<Charge> {
    const run = (this.#charging.get(client) ?? Promise.resolve()).then(() => this.#charge(client, points))
    const settled = run.then(noop, noop)
    this.#charging.set(client, settled)
    void settled.then(() => { if (this.#charging.get(client) === settled) this.#charging.delete(client) })
    return run
  }

  async #charge (client: string, points: number): Promise<Charge> {
    try {
      const res = await this.#ask((limiter) => limiter.consume(client, points))
      return { ok: true, standing: standing(res) }
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        // A refused charge still counted its points in rate-limiter-flexible: give them back.
        await this.refund(client, points)
        return { ok: false, standing: { remaining: Math.max(0, this.points - (err.consumedPoints - points)), resetMs: err.msBeforeNext } }
      }
      throw err
    }
  }

  /** Where the client stands, without charging anything. */
  async standing (client: string): Promise<Standing> {
    const res = await this.#ask((limiter) => limiter.get(client)).catch(() => null)
    return res === null ? { remaining: this.points, resetMs: 0 } : standing(res)
  }

  /** Gives points back (a request that cost the upstream nothing after all). */
  async refund (client: string, points: number): Promise<void> {
    await this.#ask((limiter) => limiter.reward(client, points)).catch(() => {})
  }

  /**
   * Runs `op` on Redis while the link is up, else (or when Redis fails) on this replica's own limiter.
   * A refusal (RateLimiterRes) is an answer, not a failure.
   */
  async #ask<T> (op: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T> {
    const shared = this.#shared
    if (shared === undefined || !shared.link.up) return await op(this.#local)
    try {
      const res = await op(shared.limiter)
      shared.link.succeeded()
      return res
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        shared.link.succeeded()
        throw err
      }
      shared.link.failed(err)
      return await op(this.#local)
    }
  }
}

function standing (res: RateLimiterRes): Standing {
  return { remaining: Math.max(0, res.remainingPoints), resetMs: res.msBeforeNext }
}

function noop (): void {}
