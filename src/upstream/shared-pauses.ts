// Endpoint pauses shared by every replica: a 429 seen by one pauses that endpoint on all of them, through Redis.
import type { Redis } from 'ioredis'
import type { RedisLink } from '../redis/link.js'
import { LocalPauses } from './pauses.js'
import type { Pauses } from './pauses.js'

/**
 * Each replica reads its local mirror (a pause is checked on every attempt, so it must be synchronous).
 * A pause is written as a key with the pause as its TTL, and announced on a channel; every replica
 * applies what it hears, and reads the keys again whenever Redis is back (reconnected, or answering
 * again after a stall), so one that was away catches up. Durations travel, not instants: replicas whose clocks disagree still pause alike.
 */
export class SharedPauses implements Pauses {
  #local = new LocalPauses()
  #link: RedisLink
  #subscriber: Redis
  #prefix: string
  #channel: string
  #endpoints: readonly string[]
  #onUp = (): void => { void this.#catchUp() }

  constructor (opts: { link: RedisLink, prefix: string, endpoints: readonly string[] }) {
    this.#link = opts.link
    this.#prefix = `${opts.prefix}:pause:`
    this.#channel = `${opts.prefix}:pauses`
    this.#endpoints = opts.endpoints
    // A subscribed connection can do nothing else: a second one, from the same options.
    this.#subscriber = opts.link.client.duplicate()
    this.#subscriber.on('error', () => {})
    this.#subscriber.on('message', (_channel: string, message: string) => this.#heard(message))
    this.#subscriber.on('ready', () => {
      this.#subscriber.subscribe(this.#channel).catch(() => {})
    })
    opts.link.on('up', this.#onUp)
    if (opts.link.up) void this.#catchUp()
  }

  remainingMs (endpoint: string): number {
    return this.#local.remainingMs(endpoint)
  }

  pause (endpoint: string, ms: number): void {
    this.#local.pause(endpoint, ms)
    if (!this.#link.up) return
    const ttl = Math.max(1, Math.ceil(ms))
    const key = this.#prefix + endpoint
    // Only lengthens: a shorter pause never cuts a longer one another replica set.
    this.#link.client.multi().set(key, '1', 'PX', ttl, 'NX').pexpire(key, ttl, 'GT').publish(this.#channel, `${endpoint} ${ttl}`).exec()
      .catch((err: unknown) => this.#link.failed(err))
  }

  async close (): Promise<void> {
    this.#link.off('up', this.#onUp)
    this.#subscriber.removeAllListeners()
    this.#subscriber.disconnect()
  }

  #heard (message: string): void {
    const space = message.lastIndexOf(' ')
    const ms = Number(message.slice(space + 1))
    if (space > 0 && Number.isFinite(ms) && ms > 0) this.#local.pause(message.slice(0, space), ms)
  }

  async #catchUp (): Promise<void> {
    try {
      const ttls = await Promise.all(this.#endpoints.map((e) => this.#link.client.pttl(this.#prefix + e)))
      this.#endpoints.forEach((e, i) => { if (ttls[i]! > 0) this.#local.pause(e, ttls[i]!) })
    } catch (err) {
      this.#link.failed(err)
    }
  }
}
