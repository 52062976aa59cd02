// Builds the upstream limits from the configuration: in-process, or shared by the cluster on Redis; rate and adaptive layers on top.
import type { RedisLink } from '../redis/link.js'
import { AdaptiveLimiter } from './adaptive.js'
import type { Limiter } from './limiter.js'
import { LocalPauses } from './pauses.js'
import type { Pauses } from './pauses.js'
import { LocalRateWindow, RateLimitedLimiter, SharedRateWindow } from './rate-limit.js'
import { Semaphore } from './semaphore.js'
import { SharedPauses } from './shared-pauses.js'
import { SharedSemaphore } from './shared-semaphore.js'
import { LimiterShare } from './share.js'

export interface LimitsOptions {
  /** Upstream calls in flight: in this process, or across the cluster when `redis` is given. */
  concurrency: number
  /** Of those, the most all batches may hold together (in this process, or across the cluster). */
  batchConcurrency: number
  queueLimit: number
  /** Calls per second over any one-second window (cluster-wide with Redis); 0 for none. */
  ratePerSecond: number
  /** Let each replica lower its own ceiling on overload (AIMD). */
  adaptive: boolean
  endpoints: readonly string[]
  redis?: {
    link: RedisLink
    /** Prefix of every key and channel, so deployments can share a Redis. */
    prefix: string
    leaseMs: number
    /** This replica's concurrency while Redis is down. */
    fallbackConcurrency: number
  } | undefined
}

export interface Limits {
  limiter: Limiter
  pauses: Pauses
  /** The adaptive layer, when on: its ceiling is reported. */
  adaptive: AdaptiveLimiter | undefined
  /** The cluster-wide semaphore, when on: its mode and lost leases are reported. */
  shared: SharedSemaphore | undefined
  /** The batches' share of `limiter`: the cluster's batches together hold at most batchConcurrency permits. */
  batch: LimiterShare
  close (): Promise<void>
}

export function createLimits (opts: LimitsOptions): Limits {
  const redis = opts.redis
  const semaphore = (key: string, limit: number, fallbackLimit: number, queueLimit: number): SharedSemaphore | undefined => redis === undefined
    ? undefined
    : new SharedSemaphore({ link: redis.link, key: `${redis.prefix}:${key}`, limit, queueLimit, leaseMs: redis.leaseMs, fallbackLimit })
  const shared = semaphore('permits', opts.concurrency, redis?.fallbackConcurrency ?? 0, opts.queueLimit)
  // The batches' slots are counted where the permits are: with Redis, across the cluster, or every
  // replica's batches would take their share of the cluster's limit and leave interactive requests none.
  const batchSlots = semaphore('batch-permits', opts.batchConcurrency,
    Math.max(1, Math.floor((redis?.fallbackConcurrency ?? 0) * opts.batchConcurrency / opts.concurrency)), Number.POSITIVE_INFINITY)
  let limiter: Limiter = shared ?? new Semaphore(opts.concurrency, opts.queueLimit)
  if (opts.ratePerSecond > 0) {
    const window = redis === undefined
      ? new LocalRateWindow(opts.ratePerSecond)
      : new SharedRateWindow({
        link: redis.link,
        key: `${redis.prefix}:rate`,
        perSecond: opts.ratePerSecond,
        // While Redis is down each replica keeps to the same share of the rate as of the permits.
        fallbackPerSecond: Math.floor(opts.ratePerSecond * redis.fallbackConcurrency / opts.concurrency),
      })
    limiter = new RateLimitedLimiter(limiter, window)
  }
  const adaptive = opts.adaptive ? new AdaptiveLimiter(limiter, opts.concurrency) : undefined
  const pauses = redis === undefined ? new LocalPauses() : new SharedPauses({ link: redis.link, prefix: redis.prefix, endpoints: opts.endpoints })
  return {
    limiter: adaptive ?? limiter,
    pauses,
    adaptive,
    shared,
    batch: new LimiterShare(adaptive ?? limiter, batchSlots ?? opts.batchConcurrency),
    async close () {
      shared?.close()
      batchSlots?.close()
      if (pauses instanceof SharedPauses) await pauses.close()
    },
  }
}
