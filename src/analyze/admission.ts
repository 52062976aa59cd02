// Admission control: refuse at once, with an honest Retry-After, what the limiter cannot serve in time.
import { ServiceError } from '../errors.js'
import { shedChannel } from '../events.js'
import type { ShedEvent } from '../events.js'
import type { Limiter } from '../upstream/limiter.js'

/**
 * Share of the remaining budget the estimated wait may use. The estimate is a mean; a request admitted
 * at exactly its deadline would time out about half the time, so it is refused a little earlier.
 */
export const ADMISSION_HEADROOM = 0.9

/**
 * Throws OVERLOADED (503) when `calls` more permits would overflow the limiter's bounded queue, or
 * when its estimated wait exceeds the request's remaining budget.
 */
export function admit (limiter: Limiter, calls: number, remainingMs: number): void {
  const stats = limiter.stats()
  const queued = Math.max(0, calls - (stats.waiting > 0 ? 0 : stats.limit - stats.inUse))
  if (queued === 0) return
  const waitMs = limiter.estimateWaitMs(calls) ?? 0
  const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000))
  if (stats.waiting + queued > stats.queueLimit) {
    if (shedChannel.hasSubscribers) shedChannel.publish({ reason: 'queue-full' } satisfies ShedEvent)
    throw new ServiceError('OVERLOADED',
      `the upstream call queue is full (${stats.waiting} of ${stats.queueLimit} waiting); try again in ${retryAfterS} s`,
      { retryAfterS })
  }
  if (waitMs > remainingMs * ADMISSION_HEADROOM) {
    if (shedChannel.hasSubscribers) shedChannel.publish({ reason: 'wait' } satisfies ShedEvent)
    throw new ServiceError('OVERLOADED',
      `the upstream call queue would take about ${Math.round(waitMs)} ms, longer than this request's ${Math.round(remainingMs)} ms deadline`,
      { retryAfterS })
  }
}
