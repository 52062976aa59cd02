// A pool thread's tasks: analyse one text for its kinds, stopping at the next checkpoint once its cancel flag is raised.
// First, so the models load at the thread's own priority: imports run in order.
import './thread-priority.js'
import { threadId, workerData } from 'node:worker_threads'
import { analyse } from './analyses/index.js'
import type { AnalysisBodies, AnalysisKind } from './analyses/index.js'
import { checkpointOf } from './cancel-flag.js'
import type { CancelFlag } from './cancel-flag.js'
import { AnalysisCancelledError } from './errors.js'
import { calibrate, warmUp } from './warm-up.js'
import type { Calibration } from './warm-up.js'

export interface AnalysisTask {
  readonly text: string
  readonly kinds: readonly AnalysisKind[]
  readonly maxPhrases: number | undefined
  readonly flag: CancelFlag
}

/** `ms` is the analysis's wall time in this thread: what the cost model learns from. */
export type AnalysisOutcome =
  | { readonly status: 'done', readonly bodies: AnalysisBodies, readonly ms: number }
  | { readonly status: 'cancelled', readonly ms: number }

// At load, before the pool counts this thread as ready: models, JIT and lazy loading, timed where
// the pool asks (the large-text threads: the small-text one is what the first requests wait for).
let calibration: Calibration | undefined
if ((workerData as { calibrate?: boolean } | null)?.calibrate === true) calibration = calibrate()
else warmUp()

/** A cancellation is an answer, not an error: an Error crossing threads loses its class. */
export default function analyseTask (task: AnalysisTask): AnalysisOutcome {
  const started = performance.now()
  try {
    const bodies = analyse(task.text, task.kinds, { maxPhrases: task.maxPhrases, checkpoint: checkpointOf(task.flag) })
    return { status: 'done', bodies, ms: performance.now() - started }
  } catch (err) {
    if (err instanceof AnalysisCancelledError) return { status: 'cancelled', ms: performance.now() - started }
    throw err
  }
}

export interface Readiness {
  readonly threadId: number
  readonly calibration: Calibration | undefined
}

/** Answers once this thread has loaded and warmed up: the pool runs one per first thread. */
export function ready (): Readiness {
  return { threadId, calibration }
}
