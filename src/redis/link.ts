// The process's Redis connection (ioredis): short command timeouts, no offline queue, and an outage told once.
import { Redis } from 'ioredis'
import type { RedisOptions } from 'ioredis'

export interface RedisLinkLogger {
  warn (obj: object, msg: string): void
  info (obj: object, msg: string): void
}

export interface RedisLinkOptions {
  url: string
  /** A command slower than this fails (and the caller works without Redis), in ms. */
  commandTimeoutMs: number
  log: RedisLinkLogger
}

/**
 * Redis is optional and never a single point of failure: while it is down or slow, commands fail fast
 * (no offline queue: nothing waits for a reconnect), callers fall back to what they can do alone, and
 * ioredis reconnects on its own. The outage is logged once, when it starts, and once when it ends.
 */
export class RedisLink {
  readonly client: Redis
  /** Commands that failed or timed out, since start. */
  errors = 0
  #up = false
  /** An outage has been reported since the last time Redis was up (or the start). */
  #warned = false
  #log: RedisLinkLogger
  #target: string

  constructor (opts: RedisLinkOptions) {
    const url = new URL(opts.url)
    // Where it is, never who it is: the password stays out of logs.
    this.#target = `${url.protocol}//${url.hostname}:${url.port || '6379'}${url.pathname}`
    this.#log = opts.log
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
    this.client.on('ready', () => {
      this.#log.info({ redis: this.#target }, 'redis connected')
      this.#up = true
      this.#warned = false
    })
    // ioredis reports each failed attempt; only the change from up (or from the start) to down is news.
    this.client.on('error', (err: Error) => this.#down(err))
    this.client.on('end', () => this.#down(undefined))
  }

  /** Connected and ready for commands. */
  get up (): boolean {
    return this.#up && this.client.status === 'ready'
  }

  /** Counts a failed command (timeout, connection gone) and notes the outage once. */
  failed (err: unknown): void {
    this.errors++
    this.#down(err as Error)
  }

  async close (): Promise<void> {
    this.#up = false
    this.client.removeAllListeners('error')
    // quit() waits for pending replies; disconnect() when the connection is already gone.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect())
    else this.client.disconnect()
  }

  #down (err: Error | undefined): void {
    const news = this.#up || !this.#warned
    this.#up = false
    if (!news) return
    this.#warned = true
    this.#log.warn({ redis: this.#target, err: err === undefined ? undefined : { message: err.message } },
      'redis unavailable: working without it until it returns')
  }
}
