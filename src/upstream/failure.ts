// What went wrong with one upstream call, as a stable code plus the facts a client or a retry needs.
import type { ErrorCode } from '../errors.js'

export type UpstreamFailureCode = Extract<ErrorCode,
  'UPSTREAM_ERROR' | 'UPSTREAM_BAD_RESPONSE' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_TIMEOUT' |
  'DEADLINE_EXCEEDED' | 'CIRCUIT_OPEN' | 'RATE_LIMITED' | 'OVERLOADED' | 'CLIENT_CLOSED'>

export class UpstreamFailure extends Error {
  readonly code: UpstreamFailureCode
  /** The upstream's HTTP status, when it answered. */
  readonly upstreamStatus: number | undefined
  /** How long the upstream (or the breaker) asks us to wait, in ms, when it said so. */
  readonly retryAfterMs: number | undefined

  constructor (code: UpstreamFailureCode, message: string, opts: { upstreamStatus?: number, retryAfterMs?: number, cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'UpstreamFailure'
    this.code = code
    this.upstreamStatus = opts.upstreamStatus
    this.retryAfterMs = opts.retryAfterMs
  }

  /** Worth another attempt: the connection failed, or the upstream said 502/503/504/429. */
  get transient (): boolean {
    if (this.code === 'UPSTREAM_UNAVAILABLE' || this.code === 'RATE_LIMITED') return true
    return this.code === 'UPSTREAM_ERROR' && (this.upstreamStatus === 502 || this.upstreamStatus === 503 || this.upstreamStatus === 504)
  }

  /** Counts against the endpoint's circuit breaker: the upstream misbehaved (not us, not the client). */
  get upstreamFault (): boolean {
    return this.code === 'UPSTREAM_ERROR' || this.code === 'UPSTREAM_BAD_RESPONSE' ||
      this.code === 'UPSTREAM_UNAVAILABLE' || this.code === 'UPSTREAM_TIMEOUT'
  }
}

/** Parses a Retry-After header (delta-seconds or HTTP date) into ms from now; undefined if absent or unusable. */
export function parseRetryAfter (value: string | string[] | undefined, now = Date.now()): number | undefined {
  if (Array.isArray(value)) value = value[0]
  if (value === undefined || value === '') return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
