// The shared cache tier on Redis: JSON entries with a TTL, every failure counted and read as a miss.
import type { RedisLink } from '../redis/link.js'
import type { CachedEntry, SharedTier } from './result-cache.js'

const PREFIX = 'text-bff:cache:'

export class RedisTier implements SharedTier {
  #link: RedisLink

  constructor (link: RedisLink) {
    this.#link = link
  }

  async get (key: string): Promise<CachedEntry | undefined> {
    if (!this.#link.up) return undefined
    try {
      const raw = await this.#link.client.get(PREFIX + key)
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
    this.#link.client.set(PREFIX + key, JSON.stringify({ t: entry.storedAt, v: entry.value }), 'PX', ttlMs)
      .catch((err: unknown) => this.#link.failed(err))
  }
}
