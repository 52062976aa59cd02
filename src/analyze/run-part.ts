// Runs one part of an analysis: rate-limit pause, breaker, permit, call, and bounded retries.
import type { CallContext, UpstreamClient } from '../upstream/client.js'
import type { PartName, PartValues } from '../upstream/endpoints.js'
import { UpstreamFailure } from '../upstream/failure.js'
import type { EndpointGuard } from '../upstream/guard.js'
import { QueueFullError } from '../upstream/semaphore.js'
import { sleep } from '../upstream/cancellation.js'
import type { Scope } from './scope.js'

export interface RetryPolicy {
  maxAttempts: number
  /** First backoff ceiling in ms; it doubles per attempt, capped at `capMs`. */
  baseMs: number
  capMs: number
}

export type PartOutcome<P extends PartName = PartName> =
  | { part: P, ok: true, value: PartValues[P], durationMs: number, attempts: number }
  | { part: P, ok: false, failure: UpstreamFailure, durationMs: number, attempts: number }


export async function runPart<P extends PartName> (
  part: P, body: string, scope: Scope, requestId: string,
  deps: { client: UpstreamClient, guard: EndpointGuard, retry: RetryPolicy },
): Promise<PartOutcome<P>> {
  const { client, guard, retry } = deps
  // Parts start with their request, so a part's time counts from the scope's start, as its deadline does.
  const startedAt = scope.startedAt
  let attempts = 0
  let sleeping = false
  const ctx: CallContext = { deadline: scope, requestId, calling: false }
  const done = (failure?: UpstreamFailure, value?: PartValues[P]): PartOutcome<P> => {
    const durationMs = performance.now() - startedAt
    return failure === undefined
      ? { part, ok: true, value: value as PartValues[P], durationMs, attempts }
      : { part, ok: false, failure, durationMs, attempts }
  }
  guard.retryBudget.recordCall()
  for (;;) {
    let probe = false
    try {
      const paused = guard.pausedFor()
      if (paused > 0) {
        if (paused >= scope.remainingMs()) {
          return done(new UpstreamFailure('RATE_LIMITED',
            `${guard.name} is rate-limited by the upstream for another ${Math.ceil(paused / 1000)} s, beyond this request's deadline`,
            { retryAfterMs: paused }))
        }
        sleeping = true
        await sleep(paused, scope)
        sleeping = false
      }
      probe = guard.admit()
      attempts++
      ctx.calling = false
      const value = await client.call(part, body, ctx)
      guard.succeeded(probe)
      return done(undefined, value)
    } catch (err) {
      const failure = classify(err, sleeping, ctx, scope)
      if (failure === undefined) {
        // Not an upstream failure but a bug: settle a probe without a verdict, and let it surface as a 500.
        guard.failed(err, probe)
        throw err
      }
      if (failure.code !== 'CIRCUIT_OPEN') guard.failed(failure, probe)
      if (failure.code === 'RATE_LIMITED' && failure.upstreamStatus === 429) guard.pause(failure.retryAfterMs)
      const delay = retryDelay(failure, attempts, retry, scope, guard)
      if (delay === undefined) return done(failure)
      try {
        sleeping = true
        // After a 429 the pause at the top of the loop does the waiting.
        if (failure.code !== 'RATE_LIMITED') await sleep(delay, scope)
        sleeping = false
      } catch (err) {
        const failure = classify(err, sleeping, ctx, scope)
        if (failure === undefined) throw err
        return done(failure)
      }
    }
  }
}

/** ms to wait before the next attempt, or undefined when this failure is final. */
function retryDelay (failure: UpstreamFailure, attempts: number, retry: RetryPolicy, scope: Scope, guard: EndpointGuard): number | undefined {
  if (!failure.transient || attempts >= retry.maxAttempts) return undefined
  // Exponential backoff with full jitter (uniform in [0, ceiling)), unless the upstream named a time.
  const delay = failure.retryAfterMs ?? Math.random() * Math.min(retry.capMs, retry.baseMs * 2 ** (attempts - 1))
  if (delay >= scope.remainingMs()) return undefined
  if (!guard.retryBudget.tryRetry()) return undefined
  return delay
}

/**
 * Any expected rejection on a part's path, as an UpstreamFailure (the deadline reads as
 * DEADLINE_EXCEEDED before the call started); undefined for anything else, which is a bug.
 */
function classify (err: unknown, sleeping: boolean, ctx: CallContext, scope: Scope): UpstreamFailure | undefined {
  if (err instanceof UpstreamFailure) {
    if (err === scope.reason && err.code === 'UPSTREAM_TIMEOUT' && (sleeping || !ctx.calling)) {
      return new UpstreamFailure('DEADLINE_EXCEEDED', `the request's deadline passed while ${sleeping ? 'waiting to retry' : 'waiting for an upstream permit'}`)
    }
    return err
  }
  if (err instanceof QueueFullError) return new UpstreamFailure('OVERLOADED', err.message, { retryAfterMs: 1000 })
  return undefined
}
