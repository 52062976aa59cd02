// What the engine reports about its pool and backlog: GET <prefix>/_stats, and EmbeddedEngine.stats().
import type { LaneStats } from './scheduler.js'

export interface EngineStats {
  /** threads ready to analyse (a replacement counts once it has loaded the models) */
  readonly workers: number
  /** threads analysing now */
  readonly busy: number
  /** tasks waiting for a thread, both lanes */
  readonly queued: number
  /** characters queued and running */
  readonly backlogChars: number
  /**
   * ms per character for all three analyses: the first large-text thread's warm-up figure, then an
   * EWMA of completed tasks; null until that thread has warmed up (and until then nothing is refused)
   */
  readonly msPerChar: number | null
  readonly warmUpMsPerChar: number | null
  /** tasks (one per text, however many requests wait on it) */
  readonly completed: number
  /** tasks abandoned by every request waiting on them, before or while running */
  readonly cancelled: number
  readonly failed: number
  /** threads terminated because a cancelled task did not reach a checkpoint in time */
  readonly terminated: number
  /** requests that waited on a task another request had started */
  readonly shared: number
  /** requests for a text whose task had started without their kind: a second task reads it again */
  readonly late: number
  /** requests answered 503 because they could not finish within their deadline */
  readonly refused: number
  /** tasks admitted, then answered 503 before they ran: the estimate had grown past their deadline */
  readonly shed: number
  readonly lanes: {
    readonly small: LaneStats & { readonly maxChars: number }
    readonly large: LaneStats
  }
}
