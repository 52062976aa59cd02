// Admission control: refuse at once, with an honest Retry-After, what the permit queue cannot serve in time.
import { ServiceError } from '../errors.js'
import type { UpstreamClient } from '../upstream/client.js'

/**
 * Permit hold times seen before the estimate is trusted. A cold burst has no data yet and is served:
 * refusing on a guess would shed load that the upstream could have handled.
 */
export const MIN_SAMPLES = 50

/**
 * Share of the remaining budget the estimated wait may use. The estimate is a mean; a request admitted
 * at exactly its deadline would time out about half the time, so it is refused a little earlier.
 */
export const ADMISSION_HEADROOM = 0.9

/**
 * Throws OVERLOADED (503) when the request's `calls` would overflow the bounded queue, or when the
 * measured queue wait exceeds the request's remaining budget.
 */
export function admit (client: UpstreamClient, calls: number, remainingMs: number): void {
  const sem = client.semaphore
  const free = sem.waiting > 0 ? 0 : sem.limit - sem.inFlight
  const queued = Math.max(0, calls - free)
  if (queued === 0) return
  const { ms: holdMs, samples } = client.holdStats
  // Calls ahead of ours drain `limit` at a time, each wave lasting about one hold time.
  const waitMs = samples >= MIN_SAMPLES ? Math.ceil((sem.waiting + queued) / sem.limit) * holdMs : 0
  const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000))
  if (sem.waiting + queued > sem.queueLimit) {
    throw new ServiceError('OVERLOADED',
      `the upstream call queue is full (${sem.waiting} of ${sem.queueLimit} waiting); try again in ${retryAfterS} s`,
      { retryAfterS })
  }
  if (waitMs > remainingMs * ADMISSION_HEADROOM) {
    throw new ServiceError('OVERLOADED',
      `the upstream call queue would take about ${Math.round(waitMs)} ms, longer than this request's ${Math.round(remainingMs)} ms deadline`,
      { retryAfterS })
  }
}
