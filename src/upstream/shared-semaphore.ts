// The cluster-wide Limiter: at most `limit` upstream calls in flight across every replica, as leases in Redis.
import { randomBytes } from 'node:crypto'
import { PartFailure } from '../errors.js'
import type { RedisLink } from '../redis/link.js'
import type { CancelListener, Cancellation } from './cancellation.js'
import type { Limiter, LimiterStats, Permit, PermitOutcome } from './limiter.js'
import { Semaphore } from './semaphore.js'

/**
 * Hand-written, as a short Lua script rather than redis-semaphore, for three reasons: leases are timed on
 * Redis's own clock (TIME), so replicas whose clocks disagree still agree on when a lease ends; all of
 * a replica's leases are renewed by one command per interval, not one timer and command per permit; and
 * waiting stays here, in a FIFO queue of cancellable callers with a deadline, which a polling lock
 * library does not offer. A permit is a member of a sorted set scored by its lease's end: a replica
 * that dies (kill -9) stops renewing, and its permits expire within `leaseMs`.
 *
 * While Redis is failing, callers wait; once the link says it is down (the connection lost, or an outage:
 * see RedisLink) the replica falls back to a local share (`fallbackLimit`), in which the leases it still
 * holds are counted. As soon as the link is up again, permits taken from the local share and still held
 * are registered as leases (over the limit if need be), so the cluster counts them until they end.
 */

// ARGV: the limit, the lease in ms, '1' to add regardless of the limit, then the members wanted.
// Grants as many of them as fit, in order, and returns how many.
const ACQUIRE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local wanted = #ARGV - 3
local n = wanted
if ARGV[3] ~= '1' then n = math.min(wanted, math.max(0, tonumber(ARGV[1]) - redis.call('ZCARD', KEYS[1]))) end
local lease = tonumber(ARGV[2])
for i = 1, n do redis.call('ZADD', KEYS[1], now + lease, ARGV[3 + i]) end
if n > 0 then redis.call('PEXPIRE', KEYS[1], lease * 2) end
return n`

// ARGV: the lease in ms, then the members held. Extends each one's lease, and adds again any that is gone
// (Redis restarted or was flushed, or this replica stalled past its lease): the call is still in flight,
// so the cluster counts it, over the limit if need be. Returns how many were still there.
const RENEW = `
local t = redis.call('TIME')
local until_ = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
local kept = 0
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then kept = kept + 1 end
  redis.call('ZADD', KEYS[1], until_, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return kept`

interface Commands {
  tbLeaseAcquire (key: string, limit: number, leaseMs: number, force: '0' | '1', ...members: string[]): Promise<number>
  tbLeaseRenew (key: string, leaseMs: number, ...members: string[]): Promise<number>
}

/** Most permits asked for in one command. */
const BATCH = 256

export interface SharedSemaphoreOptions {
  link: RedisLink
  /** The Redis key of the lease set; every replica of one deployment uses the same. */
  key: string
  /** Upstream calls in flight across the cluster. */
  limit: number
  /** Callers that may wait in this replica before acquire refuses at once. */
  queueLimit: number
  /** A lease not renewed for this long ends, in ms. */
  leaseMs: number
  /** This replica's share while Redis is down. */
  fallbackLimit: number
  /** How often waiters try again while the cluster is full, in ms. */
  pollMs?: number
  /**
   * How long after Redis went down the local share starts serving, in ms (default 250): calls granted
   * as leases just before, on any replica, have that moment to end.
   */
  fallbackAfterMs?: number
}

interface Waiter extends CancelListener {
  resolve (permit: Permit): void
  caller: Cancellation
}

export class SharedSemaphore implements Limiter {
  readonly limit: number
  readonly queueLimit: number
  /** Leases found gone at renewal (Redis lost them, or this replica stalled past the lease), and added again. */
  lostLeases = 0
  #link: RedisLink
  #redis: Commands
  #key: string
  #leaseMs: number
  #pollMs: number
  #replica = randomBytes(6).toString('hex')
  #seq = 0
  /** Members this replica holds in Redis now. */
  #held = new Set<string>()
  /** Members released this turn, given back together. */
  #releasing: string[] = []
  /** Permits from the local share taken during an outage, still held and not yet leases. */
  #fallbackHeld = new Set<FallbackPermit>()
  #fallback: Semaphore
  #fallbackAfterMs: number
  /** When the link went down with its connection lost (performance.now()); undefined otherwise. */
  #downSince: number | undefined
  #queue: Waiter[] = []
  /** The last ask failed, and the link is not down (yet): nothing to price a wait on. */
  #failing = false
  #outage = false
  #pumping = false
  #pollTimer: NodeJS.Timeout | undefined
  #renewTimer: NodeJS.Timeout
  #holdMs = 0
  #holdSamples = 0
  /** The last answered ask got fewer permits than it wanted: the cluster (or, in an outage, the local share) is full. */
  #full = false

  /**
   * Redis is back: what was taken from the local share becomes leases, and a Redis that comes back may
   * have lost every lease, so the held ones are registered again, in that order (on one connection, so
   * the renewal finds the recovered ones and does not count them as lost). No request has to come first.
   */
  #onUp = (): void => {
    this.#downSince = undefined
    this.#recover()
    void this.#renew()
    if (this.#queue.length > 0) void this.#pump()
  }

  /** Waiters polling a failing Redis take from the local share, once the leases granted before have had their moment. */
  #onDown = (): void => {
    this.#outage = true
    // A connection lost is down at once; commands that kept failing have already had their moment.
    if (this.#link.client.status !== 'ready') this.#downSince ??= performance.now()
    if (this.#queue.length > 0) void this.#pump()
  }

  constructor (opts: SharedSemaphoreOptions) {
    if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new RangeError(`shared semaphore limit must be a positive integer, got ${opts.limit}`)
    if (!Number.isInteger(opts.fallbackLimit) || opts.fallbackLimit < 1) throw new RangeError(`fallbackLimit must be a positive integer, got ${opts.fallbackLimit}`)
    if (!(opts.leaseMs >= 100)) throw new RangeError(`leaseMs must be at least 100, got ${opts.leaseMs}`)
    this.limit = opts.limit
    this.queueLimit = opts.queueLimit
    this.#link = opts.link
    this.#key = opts.key
    this.#leaseMs = opts.leaseMs
    this.#pollMs = opts.pollMs ?? 10
    this.#fallback = new Semaphore(opts.fallbackLimit, Number.POSITIVE_INFINITY)
    this.#fallbackAfterMs = opts.fallbackAfterMs ?? 250
    const client = opts.link.client
    if (typeof (client as unknown as Partial<Commands>).tbLeaseAcquire !== 'function') {
      client.defineCommand('tbLeaseAcquire', { numberOfKeys: 1, lua: ACQUIRE })
      client.defineCommand('tbLeaseRenew', { numberOfKeys: 1, lua: RENEW })
    }
    this.#redis = client as unknown as Commands
    this.#renewTimer = setInterval(() => { void this.#renew() }, Math.max(50, Math.floor(opts.leaseMs / 3)))
    this.#renewTimer.unref()
    opts.link.on('up', this.#onUp)
    opts.link.on('down', this.#onDown)
  }

  /** True while this replica works from its local share. */
  get fallingBack (): boolean {
    return this.#outage
  }

  stats (): LimiterStats {
    return {
      inUse: this.#held.size + this.#fallbackHeld.size,
      limit: this.#outage ? this.#fallback.limit : this.limit,
      waiting: this.#queue.length,
      queueLimit: this.queueLimit,
    }
  }

  /**
   * While the cluster has room, a wait is one round trip to Redis: 0. Once it is full, this replica's
   * queue drains at the pace its own permits come back: waves of what it holds. (Priced by waves alone, a
   * burst that found the replica holding nothing, its permits asked for but not yet granted, was one
   * wave per queued call, and admission refused it.)
   */
  estimateWaitMs (calls: number): number | undefined {
    if (this.#holdSamples < 50 || this.#failing) return undefined
    if (!this.#full) return 0
    const queued = this.#queue.length + calls
    const slots = Math.max(1, this.#held.size + this.#fallbackHeld.size)
    return Math.ceil(queued / slots) * this.#holdMs
  }

  /** Never a permit without asking Redis, which is asynchronous. */
  tryAcquire (): Permit | undefined {
    return undefined
  }

  acquire (caller: Cancellation): Promise<Permit> {
    if (caller.reason !== undefined) return Promise.reject(caller.reason)
    if (this.#queue.length >= this.queueLimit) {
      return Promise.reject(new PartFailure('OVERLOADED', `the upstream call queue is full (${this.queueLimit} waiting)`, { retryAfterMs: 1000 }))
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        caller,
        cancelled: (reason) => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1)
          reject(reason)
        },
      }
      caller.addListener(waiter)
      this.#queue.push(waiter)
      void this.#pump()
    })
  }

  /** Stops renewing and polling; held leases end with their TTL (or at release, if it comes first). */
  close (): void {
    this.#link.off('up', this.#onUp)
    this.#link.off('down', this.#onDown)
    clearInterval(this.#renewTimer)
    clearTimeout(this.#pollTimer)
  }

  /**
   * Grants permits to the head of the queue while there are any to get: one command asks for as many as
   * there are waiters (up to BATCH), so a replica's acquisitions cost one round trip per batch, not per
   * call. One pump runs at a time.
   */
  async #pump (): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      while (this.#queue.length > 0) {
        const permits = await this.#take(Math.min(BATCH, this.#queue.length))
        if (permits.length === 0) break
        // Waiters that left while Redis answered are already out of the queue: the permits go to those
        // now at its head, and back when nobody waits any more.
        for (const permit of permits) {
          const next = this.#queue.shift()
          if (next === undefined) {
            permit.release('dropped')
            continue
          }
          next.caller.removeListener(next)
          next.resolve(permit)
        }
      }
    } finally {
      this.#pumping = false
    }
    if (this.#queue.length > 0 && this.#pollTimer === undefined) {
      this.#pollTimer = setTimeout(() => {
        this.#pollTimer = undefined
        void this.#pump()
      }, this.#pollMs)
    }
  }

  /** Up to `wanted` permits now, from Redis or (during an outage) the local share; none when none is free. */
  async #take (wanted: number): Promise<Permit[]> {
    if (!this.#link.up) {
      // Leases granted just before the outage may still be in flight on any replica, and this one cannot
      // see the others': a lost connection is down at once, so the local share waits a moment for them
      // (calls are short), or three replicas' shares would come on top of the leases (9 against 8).
      if (this.#downSince !== undefined && performance.now() - this.#downSince < this.#fallbackAfterMs) return []
      this.#outage = true
      return this.#fallbackPermits(wanted)
    }
    this.#recover()
    const members = Array.from({ length: wanted }, () => `${this.#replica}:${++this.#seq}`)
    try {
      const granted = await this.#redis.tbLeaseAcquire(this.#key, this.limit, this.#leaseMs, '0', ...members)
      this.#failing = false
      this.#full = granted < wanted
      this.#link.succeeded()
      return members.slice(0, granted).map((member) => {
        this.#held.add(member)
        return new LeasePermit(this, member)
      })
    } catch (err) {
      this.#link.failed(err)
      // A command that timed out here may still have run in Redis: what it granted is nobody's, and would
      // count against the cluster until its lease ended (the CPU-bound bench, its event loop late, filled
      // the cluster with such leases). Redis runs this connection's commands in order, so this removes them.
      this.#link.client.zrem(this.#key, ...members).catch(() => {})
      // That failure may have been the one that made the outage: then the local share serves at once.
      if (!this.#link.up) return await this.#take(wanted)
      this.#failing = true
      return []
    }
  }

  /**
   * A permit of the local share. Leases this replica still holds count against it, so a replica never
   * has more than its share in flight while it cannot see the others.
   */
  #fallbackPermits (wanted: number): Permit[] {
    const out: Permit[] = []
    while (out.length < wanted && this.#held.size + this.#fallbackHeld.size < this.#fallback.limit) {
      const local = this.#fallback.tryAcquire()
      if (local === undefined) break
      const permit = new FallbackPermit(this, local)
      this.#fallbackHeld.add(permit)
      out.push(permit)
    }
    this.#full = out.length < wanted
    return out
  }

  /**
   * Redis is back: permits of the local share still held become leases, so the cluster counts them (and
   * this replica counts each once, as a lease).
   */
  #recover (): void {
    if (!this.#outage) return
    this.#outage = false
    this.#failing = false
    const members: string[] = []
    for (const permit of this.#fallbackHeld) {
      const member = `${this.#replica}:${++this.#seq}`
      permit.member = member
      this.#held.add(member)
      members.push(member)
    }
    this.#fallbackHeld.clear()
    if (members.length > 0) this.#redis.tbLeaseAcquire(this.#key, this.limit, this.#leaseMs, '1', ...members).catch((err: unknown) => this.#link.failed(err))
  }

  async #renew (): Promise<void> {
    if (this.#held.size === 0 || !this.#link.up) return
    const members = [...this.#held]
    try {
      const kept = await this.#redis.tbLeaseRenew(this.#key, this.#leaseMs, ...members)
      this.lostLeases += Math.max(0, members.filter((m) => this.#held.has(m)).length - kept)
    } catch (err) {
      this.#link.failed(err)
    }
  }

  /** Called once per permit. */
  released (member: string | undefined, heldMs: number): void {
    this.#holdSamples++
    this.#holdMs = this.#holdSamples === 1 ? heldMs : this.#holdMs + 0.1 * (heldMs - this.#holdMs)
    if (member !== undefined && this.#held.delete(member)) {
      // Releases of one turn of the event loop go back in one command.
      if (this.#releasing.length === 0) setImmediate(() => this.#flushReleases())
      this.#releasing.push(member)
    }
    if (this.#queue.length > 0) void this.#pump()
  }

  #flushReleases (): void {
    const members = this.#releasing
    this.#releasing = []
    this.#link.client.zrem(this.#key, ...members).catch((err: unknown) => this.#link.failed(err))
  }

  forgetFallback (permit: FallbackPermit): void {
    this.#fallbackHeld.delete(permit)
  }
}

class LeasePermit implements Permit {
  #owner: SharedSemaphore | undefined
  #member: string
  #grantedAt = performance.now()

  constructor (owner: SharedSemaphore, member: string) {
    this.#owner = owner
    this.#member = member
  }

  release (_outcome?: PermitOutcome): void {
    const owner = this.#owner
    if (owner === undefined) return
    this.#owner = undefined
    owner.released(this.#member, performance.now() - this.#grantedAt)
  }
}

class FallbackPermit implements Permit {
  /** Set when Redis came back while this permit was held: it is then a lease, and keeps its place in the local share until released. */
  member: string | undefined
  #owner: SharedSemaphore | undefined
  #local: Permit
  #grantedAt = performance.now()

  constructor (owner: SharedSemaphore, local: Permit) {
    this.#owner = owner
    this.#local = local
  }

  release (outcome?: PermitOutcome): void {
    const owner = this.#owner
    if (owner === undefined) return
    this.#owner = undefined
    this.#local.release(outcome)
    owner.forgetFallback(this)
    owner.released(this.member, performance.now() - this.#grantedAt)
  }
}
