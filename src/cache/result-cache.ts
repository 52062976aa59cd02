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
  /** Values whose JSON (UTF-8) is larger are not stored, in either tier. */
  maxEntryBytes: number
  shared?: SharedTier | undefined
  now?: () => number
}

/**
 * What the memory tier holds: the value as its JSON text. One string per entry instead of a graph of
 * small objects: the collector marks and promotes one object, not a dozen, for each of the thousands
 * of entries it keeps alive. With every value held as objects, the CPU-bound bench (every text new,
 * every answer stored) cost 1.15x the CPU a request of CACHE=false.
 *
 * An entry read once is likely read again (a popular article, a reload): the first read keeps the
 * parsed value beside the text, and counts it in the entry's size, so later reads parse nothing.
 * Values are shared, never changed, as a coalesced call's already are.
 */
interface Held {
  json: string
  storedAt: number
  value?: unknown
}

export class ResultCache {
  readonly shared: SharedTier | undefined
  #memory: LRUCache<string, Held>
  #ttlMs: number
  #keepMs: number
  #maxEntryBytes: number
  /** The most one entry may take in memory with its parsed value kept beside its JSON. */
  #maxParsedBytes: number
  #now: () => number

  constructor (opts: ResultCacheOptions) {
    this.shared = opts.shared
    this.#ttlMs = opts.ttlMs
    this.#keepMs = opts.ttlMs + opts.staleIfErrorMs
    this.#maxEntryBytes = opts.maxEntryBytes
    this.#now = opts.now ?? Date.now
    this.#maxParsedBytes = Math.min(opts.maxBytes, opts.maxEntryBytes)
    this.#memory = new LRUCache({
      maxSize: opts.maxBytes,
      // Room for any value within maxEntryBytes, as its JSON (two bytes a character at most).
      maxEntrySize: Math.min(opts.maxBytes, 64 + 2 * opts.maxEntryBytes),
      sizeCalculation: heldBytes,
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
    const held = this.#memory.get(key)
    if (held === undefined) return {}
    if (held.value !== undefined) return this.#judge({ value: held.value, storedAt: held.storedAt })
    const value = JSON.parse(held.json) as unknown
    const size = heldBytes({ ...held, value })
    if (size <= this.#maxParsedBytes) {
      held.value = value
      // The same entry at its new size; its TTL runs on from when it was stored.
      this.#memory.set(key, held, { size, noUpdateTTL: true })
    }
    return this.#judge({ value, storedAt: held.storedAt })
  }

  /** The shared tier; what it finds fresh is copied to memory. */
  async lookup (key: string): Promise<Found> {
    if (this.shared === undefined) return {}
    const found = this.#judge(await this.shared.get(key))
    if (found.fresh !== undefined) this.#remember(key, found.fresh)
    return found
  }

  /** Stores a success in both tiers, unless its JSON is larger than maxEntryBytes. */
  store (key: string, value: unknown): void {
    const entry = { value, storedAt: this.#now() }
    if (!this.#remember(key, entry)) return
    this.shared?.set(key, entry, this.#keepMs)
  }

  #remember (key: string, entry: CachedEntry): boolean {
    const held: Held = { json: JSON.stringify(entry.value), storedAt: entry.storedAt }
    // The documented bound is the value's own size (its JSON, as Redis keeps it), not the memory estimate.
    if (Buffer.byteLength(held.json) > this.#maxEntryBytes) return false
    this.#memory.set(key, held)
    return true
  }

  #judge (entry: CachedEntry | undefined): Found {
    if (entry === undefined) return {}
    const age = this.#now() - entry.storedAt
    if (age < this.#ttlMs) return { fresh: entry }
    return age < this.#keepMs ? { stale: entry } : {}
  }
}

/**
 * An entry's size in memory, roughly: two bytes a character of its JSON, as much again for its parsed
 * value once read (the arrays, objects and strings of an answer take about what its JSON text does),
 * and the entry around it.
 */
function heldBytes (held: Held): number {
  return 64 + (held.value === undefined ? 2 : 4) * held.json.length
}
