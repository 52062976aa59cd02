// Deadline-aware admission: a request that cannot finish within its request-timeout-ms is refused at once.
import { EngineOverloadedError } from './errors.js'
import type { Refusal } from './errors.js'
import type { Ticket } from './task.js'

export const TIMEOUT_HEADER = 'request-timeout-ms'

/** The header's milliseconds; anything but a whole number counts as absent, so it never refuses. */
export function deadlineOf (header: string | string[] | undefined): number | undefined {
  return typeof header === 'string' && /^\s*\d+\s*$/u.test(header) ? Number(header) : undefined
}

/**
 * Share of the deadline an estimate may fill. The cost per character is measured in calmer moments;
 * under a flood every thread is busy and work ran about 1.6 times slower than estimated (bench/engine.js,
 * flood section), so what is admitted at the edge of its deadline would finish late.
 */
export const HEADROOM = 0.7

/**
 * `waitMs` is the backlog ahead of the request divided by its lane's threads, `ownMs` its own cost;
 * the estimate may fill `share` of the deadline: HEADROOM on admission, all of it for work already
 * admitted (Scheduler.shed drops a task only once it is expected to miss outright). Retry-After is
 * how long until enough of that backlog has drained for it to fit, or, for a text that alone costs
 * more than its deadline, until all of it has: waiting longer cannot help.
 */
export function refusalOf (waitMs: number, ownMs: number, deadlineMs: number | undefined, share = HEADROOM): Refusal | undefined {
  const estimatedMs = waitMs + ownMs
  if (deadlineMs === undefined || estimatedMs <= deadlineMs * share) return undefined
  const drainMs = Math.min(estimatedMs - deadlineMs * share, waitMs)
  return { retryAfterS: Math.max(1, Math.ceil(drainMs / 1000)), estimatedMs: Math.ceil(estimatedMs), deadlineMs: Math.max(0, Math.floor(deadlineMs)) }
}

/** A ticket already refused: no task is opened for it. */
export function refusedTicket (refusal: Refusal): Ticket {
  return { result: Promise.reject(new EngineOverloadedError(refusal)), leave () {} }
}
