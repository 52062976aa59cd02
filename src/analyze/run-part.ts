// Runs one part of an analysis: the 429 pause, the breaker, a permit, the call, and bounded retries.
import { Cancelled, PartFailure, cancelledPart } from '../errors.js'
import type { CancelledWhile } from '../errors.js'
import { attemptChannel, traceCall } from '../events.js'
import type { AttemptEvent } from '../events.js'
import type { PartName, PartOutcome, PartValues } from '../parts.js'
import { sleep } from '../upstream/cancellation.js'
import type { Cancellation } from '../upstream/cancellation.js'
import type { UpstreamClient } from '../upstream/client.js'
import { endpoints } from '../upstream/endpoints.js'
import type { EndpointGuard } from '../upstream/guard.js'
import type { Limiter, Permit } from '../upstream/limiter.js'
import type { Pauses } from '../upstream/pauses.js'

export interface RetryPolicy {
  maxAttempts: number
  /** First backoff ceiling in ms; it doubles per attempt, capped at `capMs`. */
  baseMs: number
  capMs: number
}

export interface PartDeps {
  client: UpstreamClient
  guard: EndpointGuard
  pauses: Pauses
  retry: RetryPolicy
  /** Identifies the analyzer in the events it publishes. */
  source: object
}

/**
 * Resolves with the part's outcome from the upstream, under `scope` (a request's, or a flight shared by
 * several) and with permits from `limiter`; never rejects for an expected failure (a cancellation, a
 * refusal, anything the upstream did). Each place that can be cancelled maps the typed reason itself.
 */
export async function runPart<P extends PartName> (part: P, body: string, scope: Cancellation, requestId: string, deps: PartDeps, limiter: Limiter): Promise<PartOutcome<P>> {
  const { guard, pauses, retry } = deps
  const endpoint = endpoints[part].path
  const startedAt = performance.now()
  let attempts = 0
  const done = (failure: PartFailure | undefined, value?: PartValues[P]): PartOutcome<P> => {
    const durationMs = performance.now() - startedAt
    return failure === undefined
      ? { part, ok: true, value: value as PartValues[P], durationMs, attempts }
      : { part, ok: false, failure, durationMs, attempts }
  }
  guard.retryBudget.recordCall()
  for (;;) {
    let during: CancelledWhile = 'waiting'
    let probe = false
    try {
      const paused = pauses.remainingMs(endpoint)
      if (paused > 0) {
        if (paused >= scope.remainingMs()) {
          return done(new PartFailure('RATE_LIMITED',
            `${endpoint} is rate-limited by the upstream for another ${Math.ceil(paused / 1000)} s, beyond this request's deadline`,
            { retryAfterMs: paused }))
        }
        await sleep(paused, scope)
      }
      probe = guard.admit()
      const permit = limiter.tryAcquire() ?? await limiter.acquire(scope)
      attempts++
      during = 'calling'
      const value = await attempt(part, body, scope, requestId, permit, attempts, endpoint, deps)
      guard.succeeded(probe)
      return done(undefined, value)
    } catch (err) {
      const failure = asFailure(err, during)
      // Not an expected failure but a bug: settle a probe without a verdict, and let it surface as a 500.
      if (failure === undefined) {
        guard.failed(err, probe)
        throw err
      }
      if (failure.code !== 'CIRCUIT_OPEN') guard.failed(failure, probe)
      // A 429 that says until when pauses the endpoint for everyone; one that does not is a plain
      // overload signal (the adaptive limit lowers the ceiling) and is retried with backoff.
      if (failure.code === 'RATE_LIMITED' && failure.upstreamStatus === 429 && failure.retryAfterMs !== undefined) pauses.pause(endpoint, failure.retryAfterMs)
      const delay = retryDelay(failure, attempts, retry, scope, guard)
      if (delay === undefined) return done(failure)
      try {
        // After a 429 with Retry-After the pause at the top of the loop does the waiting.
        if (pauses.remainingMs(endpoint) === 0) await sleep(delay, scope)
      } catch (err) {
        const cancelled = asFailure(err, 'waiting')
        if (cancelled === undefined) throw err
        return done(cancelled)
      }
    }
  }
}

/** One upstream call, traced as an attempt when anyone listens. */
function attempt<P extends PartName> (part: P, body: string, scope: Cancellation, requestId: string, permit: Permit,
  n: number, endpoint: string, deps: PartDeps): Promise<PartValues[P]> {
  const client = deps.client
  if (!attemptChannel.hasSubscribers) return client.send(part, body, scope, requestId, permit)
  return traceCall(attemptChannel, client.send, { source: deps.source, part, endpoint, requestId, attempt: n, startedAt: performance.now() } as AttemptEvent, client, part, body, scope, requestId, permit)
}

/** ms to wait before the next attempt, or undefined when this failure is final. */
function retryDelay (failure: PartFailure, attempts: number, retry: RetryPolicy, scope: Cancellation, guard: EndpointGuard): number | undefined {
  if (!failure.transient || attempts >= retry.maxAttempts) return undefined
  // Exponential backoff with full jitter (uniform in [0, ceiling)), unless the upstream named a time.
  const delay = failure.retryAfterMs ?? Math.random() * Math.min(retry.capMs, retry.baseMs * 2 ** (attempts - 1))
  if (delay >= scope.remainingMs()) return undefined
  if (!guard.retryBudget.tryRetry()) return undefined
  return delay
}

/** An expected rejection on a part's path as its failure; undefined for anything else, which is a bug. */
function asFailure (err: unknown, during: CancelledWhile): PartFailure | undefined {
  if (err instanceof PartFailure) return err
  if (err instanceof Cancelled) return cancelledPart(err, during)
  return undefined
}
