// Turns a request's part outcomes into its answer: the analysis (whole or partial) or one failure with one status.
import { errorCodes, ServiceError } from '../errors.js'
import { partNames } from '../parts.js'
import type { CacheStatus, Entity, PartName, PartOutcome } from '../parts.js'

export type PartReport =
  | { status: 'ok', durationMs: number, attempts: number, cache?: CacheStatus }
  | { status: 'skipped' }
  | { status: 'error', code: string, detail: string, durationMs: number, attempts: number, upstreamStatus?: number, retryAfterMs?: number, cache?: CacheStatus }

export interface Analysis {
  summary: string | null
  entities: Entity[] | null
  mostCommonPhrases: string[] | null
  parts: Record<PartName, PartReport>
  /** True when some requested part failed but the answer is still useful. */
  partial: boolean
  requestId: string
}

/** The answer: 200 with the analysis, or the failure to answer with (its code decides the status). */
export type Assembled = { ok: true, analysis: Analysis } | { ok: false, error: ServiceError }

const SKIPPED: PartReport = Object.freeze({ status: 'skipped' })

/** A part's report as the answer shows it; durations to a tenth of a ms. */
export function partReport (outcome: PartOutcome): PartReport {
  const durationMs = Math.round(outcome.durationMs * 10) / 10
  const cache = outcome.cache === undefined ? {} : { cache: outcome.cache }
  if (outcome.ok) return { status: 'ok', durationMs, attempts: outcome.attempts, ...cache }
  const f = outcome.failure
  const r: PartReport = { status: 'error', code: f.code, detail: f.message, durationMs, attempts: outcome.attempts, ...cache }
  if (f.upstreamStatus !== undefined) r.upstreamStatus = f.upstreamStatus
  if (f.retryAfterMs !== undefined) r.retryAfterMs = Math.ceil(f.retryAfterMs)
  return r
}

/**
 * Whole when every part succeeded; partial (still 200) when some failed but none that was required and
 * at least one succeeded; otherwise a failure carrying every part's report. Parts not in `outcomes`
 * were not asked for and report `skipped`.
 */
export function assemble (outcomes: readonly PartOutcome[], required: readonly PartName[] | undefined, requestId: string): Assembled {
  const analysis: Analysis = {
    summary: null,
    entities: null,
    mostCommonPhrases: null,
    parts: { summary: SKIPPED, entities: SKIPPED, mostCommonPhrases: SKIPPED },
    partial: false,
    requestId,
  }
  const failed: Extract<PartOutcome, { ok: false }>[] = []
  for (const outcome of outcomes) {
    analysis.parts[outcome.part] = partReport(outcome)
    if (outcome.ok) (analysis as unknown as Record<PartName, unknown>)[outcome.part] = outcome.value
    else failed.push(outcome)
  }
  if (failed.length === 0) return { ok: true, analysis }
  const requiredFailed = required === undefined ? [] : failed.filter((f) => required.includes(f.part))
  if (requiredFailed.length === 0 && failed.length < outcomes.length) {
    analysis.partial = true
    return { ok: true, analysis }
  }
  return { ok: false, error: failure(requiredFailed.length > 0 ? requiredFailed : failed, analysis, requiredFailed.length > 0) }
}

/** The parts that failed, in answer order (for the Partial-Response header and logs). */
export function failedParts (analysis: Analysis): PartName[] {
  return partNames.filter((p) => analysis.parts[p].status === 'error')
}

/**
 * One code for the whole failure, whose status is the answer's: the decisive parts' code when they
 * share one; the first one's when their codes differ but share a status; PARTS_FAILED (502) when even
 * their statuses differ (a timeout beside an open circuit is neither a 504 nor a 503).
 */
function failure (failed: Extract<PartOutcome, { ok: false }>[], analysis: Analysis, becauseRequired: boolean): ServiceError {
  // Outcomes arrive in completion order; the detail names parts in answer order.
  const decisive = [...failed].sort((a, b) => partNames.indexOf(a.part) - partNames.indexOf(b.part))
  const first = decisive[0]!
  const statuses = new Set(decisive.map((d) => errorCodes[d.failure.code].status))
  const code = statuses.size === 1 ? first.failure.code : 'PARTS_FAILED'
  const names = decisive.map((d) => d.part).join(', ')
  const why = decisive.map((d) => `${d.part}: ${d.failure.code}`).join('; ')
  const detail = becauseRequired
    ? `required part${decisive.length > 1 ? 's' : ''} ${names} failed (${why}): ${first.failure.message}`
    : `every requested part failed (${why}); first: ${first.failure.message}`
  const retryMs = Math.max(0, ...decisive.map((d) => d.failure.retryAfterMs ?? 0))
  const status = errorCodes[code].status
  return new ServiceError(code, detail, {
    ...(status === 503 || retryMs > 0 ? { retryAfterS: Math.max(1, Math.ceil(retryMs / 1000)) } : {}),
    extensions: { parts: analysis.parts },
  })
}
