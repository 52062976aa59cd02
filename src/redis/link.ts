// The process's Redis connection (ioredis) and the one judge, for every user of it, of whether Redis is worth asking.
import { EventEmitter } from 'node:events'
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'

/**
 * Hand-written, the outage detector: ioredis fails commands fast only while the connection is down
 * (no offline queue), and a stalled server (SIGSTOP, a hung disk, a paused VM) keeps its connection
 * open, so every command still waits out its timeout. rate-limiter-flexible's insurance limiter and
 * `rejectIfRedisNotReady` look at the same connection state, and cockatiel's breakers let a live call
 * through as the half-open probe, which a request would then wait for; none of them counts failures
 * across the cache, the limits and the permits together. So the count is kept here, shared by all of
 * them, and a background PING, not a request, finds out when Redis answers again.
 */

export interface RedisLinkLogger {
  warn (obj: object, msg: string): void
  info (obj: object, msg: string): void
}

export interface RedisLinkOptions {
  url: string
  /** A command slower than this fails (and the caller works without Redis), in ms. */
  commandTimeoutMs: number
  log: RedisLinkLogger
  /** Failed commands in a row that make an outage (default 5)… */
  outageAfterFailures?: number
  /** …once the first of them is at least this old, in ms (default 250, or five command timeouts if longer). */
  outageAfterMs?: number
  /** How often one PING asks whether Redis answers again during an outage, in ms (default 500). */
  probeEveryMs?: number
}

/**
 * Redis is optional and never a single point of failure: while it is down or stalled, callers fall back
 * to what they can do alone. It is down while the connection is lost (ioredis reconnects on its own), and
 * from the moment commands have kept failing (`outageAfterFailures` in a row over `outageAfterMs`: one
 * slow answer is not an outage) until a probe is answered; meanwhile nobody sends it a command that a
 * request would wait for. `down` and `up` are emitted as that changes, and logged once each way.
 */
export class RedisLink extends EventEmitter<{ up: [], down: [] }> {
  readonly client: Redis
  /** Commands of the service that failed or timed out, since start (probes are not counted). */
  errors = 0
  #log: RedisLinkLogger
  #target: string
  #outageAfterFailures: number
  #outageAfterMs: number
  #probeEveryMs: number
  /** Failed commands in a row, and when the first of them failed. */
  #failures = 0
  #failingSince = 0
  /** Commands kept failing: Redis is skipped until a probe is answered, even on an open connection. */
  #outage = false
  #probeTimer: NodeJS.Timeout | undefined
  /** What users were last told; nothing before the first connection. */
  #told: 'up' | 'down' | undefined
  #lastError: Error | undefined
  #closed = false

  constructor (opts: RedisLinkOptions) {
    super()
    const url = new URL(opts.url)
    // Where it is, never who it is: the password stays out of logs.
    this.#target = `${url.protocol}//${url.hostname}:${url.port || '6379'}${url.pathname}`
    this.#log = opts.log
    this.#outageAfterFailures = opts.outageAfterFailures ?? 5
    this.#outageAfterMs = opts.outageAfterMs ?? Math.max(250, 5 * opts.commandTimeoutMs)
    this.#probeEveryMs = opts.probeEveryMs ?? 500
    const options: RedisOptions = {
      commandTimeout: opts.commandTimeoutMs,
      connectTimeout: Math.max(500, opts.commandTimeoutMs * 10),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect quickly at first, then twice a second, never giving up: while a replica is still away,
      // it works from its local share, uncounted by the others, so every replica should return promptly.
      retryStrategy: (attempt) => Math.min(500, 50 * 2 ** Math.min(attempt, 4)),
    }
    this.client = new Redis(opts.url, options)
    // The ready check has been answered: whatever the outage was, it is over.
    this.client.on('ready', () => {
      this.#lastError = undefined
      this.#endOutage()
      this.#changed('up', 'redis connected')
    })
    // ioredis reports each failed attempt to reconnect; only the start of the trouble is news.
    this.client.on('error', (err: Error) => { this.#lastError = err })
    this.client.on('close', () => this.#changed('down'))
    this.client.on('end', () => this.#changed('down'))
  }

  /**
   * Connected, and not in an outage: worth sending a command to. One slow command does not make Redis
   * down: the next one may well be fast.
   */
  get up (): boolean {
    return this.client.status === 'ready' && !this.#outage
  }

  /** Counts a failed command (timeout, connection gone); enough of them in a row are an outage. */
  failed (err: unknown): void {
    this.errors++
    if (!this.up) return
    const now = performance.now()
    if (this.#failures++ === 0) this.#failingSince = now
    if (this.#failures < this.#outageAfterFailures || now - this.#failingSince < this.#outageAfterMs) return
    this.#outage = true
    this.#lastError = err as Error
    this.#changed('down')
    this.#probeLater()
  }

  /** A command succeeded: the failures so far were not an outage. */
  succeeded (): void {
    this.#failures = 0
  }

  async close (): Promise<void> {
    this.#closed = true
    clearTimeout(this.#probeTimer)
    this.client.removeAllListeners('error')
    // A quit that fails on a connection going away is nobody's news.
    this.client.on('error', () => {})
    // quit() waits for pending replies; disconnect() when the connection is already gone.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect())
    else this.client.disconnect()
  }

  #endOutage (): void {
    this.#outage = false
    this.#failures = 0
    clearTimeout(this.#probeTimer)
    this.#probeTimer = undefined
  }

  /** One probe at a time, with the command timeout; not a command of the service, so never counted. */
  #probeLater (): void {
    this.#probeTimer = setTimeout(() => {
      this.client.ping().then(() => {
        if (!this.#outage || this.#closed) return
        this.#endOutage()
        if (this.client.status === 'ready') this.#changed('up', 'redis answers again')
      }, () => {
        if (this.#outage && !this.#closed) this.#probeLater()
      })
    }, this.#probeEveryMs)
    this.#probeTimer.unref()
  }

  #changed (to: 'up' | 'down', msg?: string): void {
    if (this.#told === to || this.#closed) return
    this.#told = to
    if (to === 'up') {
      this.#log.info({ redis: this.#target }, msg ?? 'redis answers again')
    } else {
      const err = this.#lastError
      this.#log.warn({ redis: this.#target, err: err === undefined ? undefined : { message: err.message } },
        'redis unavailable or slow: working without it until it answers again')
    }
    this.emit(to)
  }
}
