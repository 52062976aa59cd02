// The result cache: a byte-bounded in-memory LRU (lru-cache) in front of an optional shared tier, with stale-if-error.
import { LRUCache } from 'lru-cache'

/** A stored success: the part's value and when it was stored (epoch ms, so every replica reads it alike). */
export interface CachedEntry {
  value: unknown
  storedAt: number
}

/** What a lookup found: a fresh value to serve, or a stale one to keep for when the upstream fails. */
export interface Found {
  fresh?: CachedEntry
  stale?: CachedEntry
}

/** The tier every replica shares (Redis). It may fail or be slow; then it finds nothing and stores nothing. */
export interface SharedTier {
  get (key: string): Promise<CachedEntry | undefined>
  set (key: string, entry: CachedEntry, ttlMs: number): void
}

export interface ResultCacheOptions {
  /** An entry is fresh this long after it was stored, in ms. */
  ttlMs: number
  /** ...and then kept this much longer to be served if the upstream fails (RFC 5861 stale-if-error). */
  staleIfErrorMs: number
  /** Memory tier bound, in bytes (an estimate of each value's size in memory). */
  maxBytes: number
  /** Larger values are not stored, in either tier. */
  maxEntryBytes: number
  shared?: SharedTier | undefined
  now?: () => number
}

export class ResultCache {
  readonly shared: SharedTier | undefined
  #memory: LRUCache<string, CachedEntry & { bytes: number }>
  #ttlMs: number
  #keepMs: number
  #maxEntryBytes: number
  #now: () => number

  constructor (opts: ResultCacheOptions) {
    this.shared = opts.shared
    this.#ttlMs = opts.ttlMs
    this.#keepMs = opts.ttlMs + opts.staleIfErrorMs
    this.#maxEntryBytes = opts.maxEntryBytes
    this.#now = opts.now ?? Date.now
    this.#memory = new LRUCache({
      maxSize: opts.maxBytes,
      maxEntrySize: Math.min(opts.maxBytes, opts.maxEntryBytes),
      sizeCalculation: (entry) => entry.bytes,
      // Entries leave memory once past their stale window; freshness is judged on storedAt.
      ttl: this.#keepMs,
    })
  }

  /** Bytes the memory tier holds now. */
  get memoryBytes (): number {
    return this.#memory.calculatedSize
  }

  /** The memory tier, synchronously. */
  peek (key: string): Found {
    return this.#judge(this.#memory.get(key))
  }

  /** The shared tier; what it finds fresh is copied to memory. */
  async lookup (key: string): Promise<Found> {
    if (this.shared === undefined) return {}
    const found = this.#judge(await this.shared.get(key))
    if (found.fresh !== undefined) this.#remember(key, found.fresh)
    return found
  }

  /** Stores a success in both tiers, unless it is too large. */
  store (key: string, value: unknown): void {
    const entry = { value, storedAt: this.#now() }
    if (!this.#remember(key, entry)) return
    this.shared?.set(key, entry, this.#keepMs)
  }

  #remember (key: string, entry: CachedEntry): boolean {
    const bytes = approxBytes(entry.value)
    if (bytes > this.#maxEntryBytes) return false
    this.#memory.set(key, { ...entry, bytes })
    return true
  }

  #judge (entry: CachedEntry | undefined): Found {
    if (entry === undefined) return {}
    const age = this.#now() - entry.storedAt
    if (age < this.#ttlMs) return { fresh: entry }
    return age < this.#keepMs ? { stale: entry } : {}
  }
}

/** A value's size in memory, roughly: two bytes a character plus a small overhead per string and object. */
export function approxBytes (value: unknown): number {
  if (typeof value === 'string') return 32 + 2 * value.length
  if (Array.isArray(value)) {
    let n = 32
    for (const item of value) n += approxBytes(item)
    return n
  }
  if (typeof value === 'object' && value !== null) {
    let n = 32
    for (const [k, v] of Object.entries(value)) n += 2 * k.length + approxBytes(v)
    return n
  }
  return 16
}
