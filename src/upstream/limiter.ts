// The Limiter seam: what the core needs from whatever caps upstream calls in flight (in process, or shared).
import type { Cancellation } from './cancellation.js'

/** A right to make one upstream call. */
export interface Permit {
  /**
   * Gives the permit back, saying how the call went (an adaptive limiter learns from it). Exactly once
   * counts: a second call does nothing.
   */
  release (outcome?: PermitOutcome): void
}

/**
 * How the call made under a permit ended, for limiters that adapt: `overload` when the upstream
 * signalled it was overloaded (429, shedding 503, timeout), `dropped` when the caller left and the call
 * says nothing about the upstream.
 */
export type PermitOutcome = 'ok' | 'failed' | 'overload' | 'dropped'

export interface LimiterStats {
  /** Permits held now (by this process). */
  inUse: number
  /** Permits this process may hold now. */
  limit: number
  /** Callers waiting for a permit. */
  waiting: number
  /** Callers that may wait before `acquire` refuses at once. */
  queueLimit: number
}

export interface Limiter {
  /** A permit now, or undefined when none is free. Never waits. */
  tryAcquire (): Permit | undefined
  /**
   * A permit, first come first served. Rejects with `caller.reason` (a Cancelled) when the caller is
   * cancelled before it is granted, and with an OVERLOADED PartFailure when the queue is full.
   */
  acquire (caller: Cancellation): Promise<Permit>
  stats (): LimiterStats
  /**
   * About how long, in ms, a caller that asked now for `calls` more permits would wait for the last
   * of them; undefined until enough calls were measured to say.
   */
  estimateWaitMs (calls: number): number | undefined
}
