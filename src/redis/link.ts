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
 * ioredis reconnects on its own. Trouble (a connection lost, or commands failing or too slow) is logged
 * once when it starts, and once when a command succeeds again or the connection is back.
 */
export class RedisLink {
  readonly client: Redis
  /** Commands that failed or timed out, since start. */
  errors = 0
  /** Trouble has been reported and has not ended yet. */
  #troubled = false
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
      this.#troubled = false
    })
    // ioredis reports each failed attempt to reconnect; only the start of the trouble is news.
    this.client.on('error', (err: Error) => this.#trouble(err))
    this.client.on('end', () => this.#trouble(undefined))
  }

  /**
   * Connected and ready for commands. One slow command does not make Redis down: the connection stays,
   * and the next command may well be fast.
   */
  get up (): boolean {
    return this.client.status === 'ready'
  }

  /** Counts a failed command (timeout, connection gone) and notes the trouble once. */
  failed (err: unknown): void {
    this.errors++
    this.#trouble(err as Error)
  }

  /** A command succeeded: trouble that was reported is over. */
  succeeded (): void {
    if (!this.#troubled) return
    this.#troubled = false
    this.#log.info({ redis: this.#target }, 'redis answers again')
  }

  async close (): Promise<void> {
    this.client.removeAllListeners('error')
    // A quit that fails on a connection going away is nobody's news.
    this.client.on('error', () => {})
    // quit() waits for pending replies; disconnect() when the connection is already gone.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect())
    else this.client.disconnect()
  }

  #trouble (err: Error | undefined): void {
    if (this.#troubled) return
    this.#troubled = true
    this.#log.warn({ redis: this.#target, err: err === undefined ? undefined : { message: err.message } },
      'redis unavailable or slow: working without it until it answers again')
  }
}
