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
 * `waitMs` is the backlog ahead of the request divided by its lane's threads, `ownMs` its own cost.
 * Retry-After is how long until enough of that backlog has drained for it to fit, or, for a text
 * that alone costs more than its deadline, until all of it has: waiting longer cannot help.
 */
export function refusalOf (waitMs: number, ownMs: number, deadlineMs: number | undefined): Refusal | undefined {
  const estimatedMs = waitMs + ownMs
  if (deadlineMs === undefined || estimatedMs <= deadlineMs * HEADROOM) return undefined
  const drainMs = Math.min(estimatedMs - deadlineMs * HEADROOM, waitMs)
  return { retryAfterS: Math.max(1, Math.ceil(drainMs / 1000)), estimatedMs: Math.ceil(estimatedMs), deadlineMs: Math.max(0, Math.floor(deadlineMs)) }
}

/**
 * For work already admitted (see Scheduler.shed): a refusal if, by the estimate now, it would be done
 * after its deadline (`leftMs` from now; Infinity for none). No headroom here: it was kept on
 * admission, and a task is only dropped once it is expected to miss outright.
 */
export function lateness (waitMs: number, ownMs: number, leftMs: number): Refusal | undefined {
  const estimatedMs = waitMs + ownMs
  if (estimatedMs <= leftMs) return undefined
  return { retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)), estimatedMs: Math.ceil(estimatedMs), deadlineMs: Math.max(0, Math.floor(leftMs)) }
}

/** A ticket already refused: no task is opened for it. */
export function refusedTicket (refusal: Refusal): Ticket {
  return { result: Promise.reject(new EngineOverloadedError(refusal)), leave () {} }
}
