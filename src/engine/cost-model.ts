// What an analysis costs: ms per character for all kinds, from a thread's timed warm-up and then an EWMA of completed tasks.
import type { AnalysisKind } from './analyses/index.js'
import { endpointKinds } from './endpoints.js'
import type { Calibration } from './warm-up.js'

// Short memory: a change in the machine's load shows within ten or so large tasks.
const ALPHA = 0.2
// A sample counts as at most twice, or at least half, the current figure: one hostile text (50 000
// characters of "Mr. " took 0.28 ms/char against 0.01 for prose) moves the estimate by a fifth
// instead of six-fold, while a lasting change still shows (each task moves it up to 20%).
const MAX_STEP = 2
// Below this a task's fixed costs (messages, setting up the parsers) swamp its per-character cost.
const MIN_SAMPLE_CHARS = 1_000

/**
 * cost(chars, kinds) = chars × msPerChar × weight(kinds). msPerChar is for all three kinds; a kind's
 * weight is its share of that, measured at warm-up (entities cost nearly twice a summary on prose
 * today, so a caller asking for a summary alone must not be priced, and refused, as if it asked for
 * everything). A task's reading of the text is paid once whatever its kinds, so it is in every
 * weight. Until the first large-text thread has warmed up there is no figure: estimates are 0 and
 * `measured` is false.
 */
export class CostModel {
  #warmUpMsPerChar: number | undefined
  #msPerChar = 0
  #samples = 0
  #readShare = 1
  #kindShare: Readonly<Record<AnalysisKind, number>> = { summarize: 0, ner: 0, most_common_phrases: 0 }

  /**
   * A large-text thread's timed warm-up. The lowest figure counts until a task has been measured:
   * the first thread times itself while the others still load, and on this VM its figure was 2.5
   * times what the tasks then took (0.095 against 0.039 ms/char), which refused work it had time for.
   */
  warmedUp (calibration: Calibration): void {
    const perChar = calibration.allMs / calibration.chars
    if (this.#samples > 0 || (this.#warmUpMsPerChar !== undefined && perChar >= this.#warmUpMsPerChar)) return
    const extra = (kind: AnalysisKind): number => Math.max(0, calibration.kindMs[kind] - calibration.readMs)
    const sumMs = calibration.readMs + endpointKinds.reduce((sum, kind) => sum + extra(kind), 0)
    this.#readShare = calibration.readMs / sumMs
    this.#kindShare = Object.fromEntries(endpointKinds.map((kind) => [kind, extra(kind) / sumMs])) as Record<AnalysisKind, number>
    this.#warmUpMsPerChar = perChar
    this.#msPerChar = perChar
  }

  get measured (): boolean { return this.#warmUpMsPerChar !== undefined }

  /** For all three kinds: the warm-up's figure until tasks have been measured; null before. */
  get msPerChar (): number | null { return this.measured ? this.#msPerChar : null }

  get warmUpMsPerChar (): number | null { return this.#warmUpMsPerChar ?? null }

  /** The fraction of an all-kinds analysis these kinds cost; 1 for all three. */
  weight (kinds: Iterable<AnalysisKind>): number {
    let weight = this.#readShare
    for (const kind of new Set(kinds)) weight += this.#kindShare[kind]
    return weight
  }

  estimateMs (chars: number, kinds: Iterable<AnalysisKind>): number {
    return chars * this.#msPerChar * this.weight(kinds)
  }

  /** A completed task: `ms` as the worker measured it, wall time, so the machine's load is in it. */
  record (chars: number, kinds: Iterable<AnalysisKind>, ms: number): void {
    if (chars < MIN_SAMPLE_CHARS || !this.measured) return
    const perChar = Math.min(MAX_STEP * this.#msPerChar, Math.max(this.#msPerChar / MAX_STEP, ms / (chars * this.weight(kinds))))
    this.#msPerChar += ALPHA * (perChar - this.#msPerChar)
    this.#samples++
  }
}
