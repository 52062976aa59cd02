// A store for @fastify/rate-limit over ClientLimit: the request-rate limit shares Redis (and its local fallback) with the quotas.
import type { ClientLimit, Standing } from './limits.js'

type Callback = (err: Error | null, result?: { current: number, ttl: number }) => void

/**
 * @fastify/rate-limit counts; this store keeps the count in a ClientLimit, so it holds across
 * replicas and falls back to the replica's own count while Redis is down (the plugin's own Redis store
 * would either fail the request or skip the limit). It also remembers each client's standing, for the
 * RateLimit header.
 */
export class ClientLimitStore {
  #limit: ClientLimit
  #standings: Map<string, Standing>

  constructor (limit: ClientLimit, standings: Map<string, Standing>) {
    this.#limit = limit
    this.#standings = standings
  }

  incr (key: string, cb: Callback): void {
    this.#limit.charge(key, 1).then((charge) => {
      this.#standings.set(key, charge.standing)
      // The plugin refuses when `current` exceeds its max, which is the limit's points.
      const current = charge.ok ? this.#limit.points - charge.standing.remaining : this.#limit.points + 1
      cb(null, { current, ttl: charge.standing.resetMs })
    }, (err: Error) => cb(err))
  }

  child (): ClientLimitStore {
    return this
  }
}
