// The shared cache tier on Redis: JSON entries with a TTL, every failure counted and read as a miss.
import type { RedisLink } from '../redis/link.js'
import type { CachedEntry, SharedTier } from './result-cache.js'

export class RedisTier implements SharedTier {
  #link: RedisLink
  #prefix: string

  /** Keys are `<prefix>:cache:<part>:<digest>`. */
  constructor (link: RedisLink, prefix: string) {
    this.#link = link
    this.#prefix = `${prefix}:cache:`
  }

  async get (key: string): Promise<CachedEntry | undefined> {
    if (!this.#link.up) return undefined
    try {
      const raw = await this.#link.client.get(this.#prefix + key)
      this.#link.succeeded()
      if (raw === null) return undefined
      const parsed = JSON.parse(raw) as { t?: unknown, v?: unknown }
      return typeof parsed.t === 'number' && parsed.v !== undefined ? { value: parsed.v, storedAt: parsed.t } : undefined
    } catch (err) {
      this.#link.failed(err)
      return undefined
    }
  }

  set (key: string, entry: CachedEntry, ttlMs: number): void {
    if (!this.#link.up) return
    this.#link.client.set(this.#prefix + key, JSON.stringify({ t: entry.storedAt, v: entry.value }), 'PX', ttlMs)
      .catch((err: unknown) => this.#link.failed(err))
  }
}
