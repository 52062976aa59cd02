// A calls-per-second limit over any one-second window (a sliding log), in this process or across the cluster on Redis.
import { PartFailure } from '../errors.js'
import type { RedisLink } from '../redis/link.js'
import { sleep } from './cancellation.js'
import type { Cancellation } from './cancellation.js'
import type { Limiter, LimiterStats, Permit } from './limiter.js'

/**
 * Hand-written: a token bucket or a fixed window lets up to twice the rate through across a boundary
 * (a full bucket spent, then refilled, inside one second), and rate-limiter-flexible's limiters are
 * fixed-window or bucket-shaped. A sliding log keeps the time of each call of the last second and
 * admits a call only while fewer than `perSecond` are in it, so no one-second window, wherever it
 * starts, ever holds more.
 */

export interface RateWindow {
  readonly perSecond: number
  /** Takes a place in the window now (0), or says in how many ms one frees up. */
  tryTake (): number | Promise<number>
}

const WINDOW_MS = 1000
/**
 * Places are counted over a window this much longer than a second: a call is sent a little after it
 * takes its place (the rest of the request path, an event loop busy for a moment), and that jitter must
 * not push more than `perSecond` calls into one second as the upstream sees them (measured here: over
 * 100 ms on a 2-core machine at load 9). It costs at most an eighth of the rate, when it is reached.
 */
const JITTER_MS = 150
const COUNTED_MS = WINDOW_MS + JITTER_MS

/** This process's window: the times of its last `perSecond` calls in a ring. */
export class LocalRateWindow implements RateWindow {
  readonly perSecond: number
  #times: Float64Array
  #next = 0
  #now: () => number

  constructor (perSecond: number, now: () => number = performance.now.bind(performance)) {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`perSecond must be a positive integer, got ${perSecond}`)
    this.perSecond = perSecond
    this.#times = new Float64Array(perSecond).fill(Number.NEGATIVE_INFINITY)
    this.#now = now
  }

  tryTake (): number {
    const now = this.#now()
    // The slot about to be reused holds the oldest of the last `perSecond` calls.
    const oldest = this.#times[this.#next]!
    if (now - oldest < COUNTED_MS) return Math.max(1, Math.ceil(oldest + COUNTED_MS - now))
    this.#times[this.#next] = now
    this.#next = (this.#next + 1) % this.perSecond
    return 0
  }
}

// ARGV: the rate, a unique member, the counted window in ms.
const TAKE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local span = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], span * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + span - now)`

interface TakeCommand { tbRateTake (key: string, perSecond: number, member: string, spanMs: number): Promise<number> }

/**
 * The cluster's window on Redis's clock. While Redis fails, this replica keeps to a local window of
 * its fallback share of the rate, so an outage never lets the cluster exceed what it was allowed.
 */
export class SharedRateWindow implements RateWindow {
  readonly perSecond: number
  #link: RedisLink
  #key: string
  #redis: TakeCommand
  #fallback: LocalRateWindow
  #seq = 0
  #id = Math.random().toString(36).slice(2)

  constructor (opts: { link: RedisLink, key: string, perSecond: number, fallbackPerSecond: number }) {
    this.perSecond = opts.perSecond
    this.#link = opts.link
    this.#key = opts.key
    this.#fallback = new LocalRateWindow(Math.max(1, opts.fallbackPerSecond))
    const client = opts.link.client
    if (typeof (client as unknown as Partial<TakeCommand>).tbRateTake !== 'function') client.defineCommand('tbRateTake', { numberOfKeys: 1, lua: TAKE })
    this.#redis = client as unknown as TakeCommand
  }

  async tryTake (): Promise<number> {
    if (!this.#link.up) return this.#fallback.tryTake()
    try {
      const wait = await this.#redis.tbRateTake(this.#key, this.perSecond, `${this.#id}:${++this.#seq}`, COUNTED_MS)
      this.#link.succeeded()
      return wait
    } catch (err) {
      this.#link.failed(err)
      return this.#fallback.tryTake()
    }
  }
}

/**
 * A Limiter whose permits also take a place in a rate window, right before the call (so the window
 * counts calls as they are sent). A caller waits for a place when the wait fits its deadline, and is
 * refused at once with RATE_LIMITED and the wait as Retry-After when it does not.
 */
export class RateLimitedLimiter implements Limiter {
  readonly window: RateWindow
  #inner: Limiter
  /** Callers of this process waiting for a place. */
  #waiting = 0

  constructor (inner: Limiter, window: RateWindow) {
    this.#inner = inner
    this.window = window
  }

  stats (): LimiterStats {
    const s = this.#inner.stats()
    return { ...s, waiting: s.waiting + this.#waiting }
  }

  estimateWaitMs (calls: number): number | undefined {
    const inner = this.#inner.estimateWaitMs(calls)
    if (this.#waiting === 0) return inner
    return (inner ?? 0) + ((this.#waiting + calls) * COUNTED_MS) / this.window.perSecond
  }

  tryAcquire (): Permit | undefined {
    return undefined
  }

  async acquire (caller: Cancellation): Promise<Permit> {
    const permit = this.#inner.tryAcquire() ?? await this.#inner.acquire(caller)
    try {
      await this.#take(caller)
      return permit
    } catch (err) {
      permit.release('dropped')
      throw err
    }
  }

  async #take (caller: Cancellation): Promise<void> {
    const perCallMs = COUNTED_MS / this.window.perSecond
    for (;;) {
      const wait = await this.window.tryTake()
      if (wait === 0) return
      // Those already waiting here go first, a place each.
      const expected = wait + this.#waiting * perCallMs
      if (expected >= caller.remainingMs()) {
        throw new PartFailure('RATE_LIMITED',
          `the upstream's limit of ${this.window.perSecond} calls per second is used up for about ${Math.ceil(expected)} ms, beyond this request's deadline`,
          { retryAfterMs: expected })
      }
      this.#waiting++
      try {
        await sleep(wait, caller)
      } finally {
        this.#waiting--
      }
    }
  }
}
