// The analysis service: admits a request, fans its parts out concurrently, and reports each part honestly.
import { errorCodes, ServiceError } from '../errors.js'
import type { UpstreamClient } from '../upstream/client.js'
import { partNames } from '../upstream/endpoints.js'
import type { Entity, PartName } from '../upstream/endpoints.js'
import type { EndpointGuard } from '../upstream/guard.js'
import { admit } from './admission.js'
import { runPart } from './run-part.js'
import type { PartOutcome, RetryPolicy } from './run-part.js'
import type { Scope } from './scope.js'

export interface AnalyzeInput {
  text: string
  /** Parts to compute; default all. */
  parts?: PartName[] | undefined
  /** Parts whose failure fails the request; default none. */
  require?: PartName[] | undefined
}

export type PartReport =
  | { status: 'ok', durationMs: number, attempts: number }
  | { status: 'skipped' }
  | { status: 'error', code: string, detail: string, durationMs: number, attempts: number, upstreamStatus?: number, retryAfterMs?: number }

export interface Analysis {
  summary: string | null
  entities: Entity[] | null
  mostCommonPhrases: string[] | null
  parts: Record<PartName, PartReport>
  /** True when some requested part failed but the answer is still useful. */
  partial: boolean
  requestId: string
}

export interface AnalyzerDeps {
  client: UpstreamClient
  guards: Record<PartName, EndpointGuard>
  retry: RetryPolicy
}

export class Analyzer {
  /** Told of every part's outcome (metrics); must not throw. */
  onOutcome: ((outcome: PartOutcome) => void) | undefined
  #deps: AnalyzerDeps

  constructor (deps: AnalyzerDeps) {
    this.#deps = deps
  }

  /**
   * Resolves with the analysis when at least one requested part succeeded and no required part failed;
   * otherwise throws a ServiceError (502/503/504) whose problem document still carries `parts`.
   */
  async analyze (input: AnalyzeInput, scope: Scope, requestId: string): Promise<Analysis> {
    const wanted = input.parts === undefined ? partNames : partNames.filter((p) => input.parts!.includes(p))
    admit(this.#deps.client, wanted.length, scope.remainingMs())
    const body = JSON.stringify({ text: input.text })
    const outcomes = await Promise.all(wanted.map((part) =>
      runPart(part, body, scope, requestId, { client: this.#deps.client, guard: this.#deps.guards[part], retry: this.#deps.retry })))

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
      this.onOutcome?.(outcome)
      analysis.parts[outcome.part] = report(outcome)
      if (outcome.ok) (analysis as unknown as Record<PartName, unknown>)[outcome.part] = outcome.value
      else failed.push(outcome)
    }
    if (failed.length === 0) return analysis
    const required = failed.filter((f) => input.require?.includes(f.part))
    if (required.length === 0 && failed.length < outcomes.length) {
      analysis.partial = true
      return analysis
    }
    throw failure(required.length > 0 ? required : failed, analysis, required.length > 0)
  }
}

const SKIPPED: PartReport = Object.freeze({ status: 'skipped' })

function report (outcome: PartOutcome): PartReport {
  const durationMs = Math.round(outcome.durationMs * 10) / 10
  if (outcome.ok) return { status: 'ok', durationMs, attempts: outcome.attempts }
  const f = outcome.failure
  const r: PartReport = { status: 'error', code: f.code, detail: f.message, durationMs, attempts: outcome.attempts }
  if (f.upstreamStatus !== undefined) r.upstreamStatus = f.upstreamStatus
  if (f.retryAfterMs !== undefined) r.retryAfterMs = Math.ceil(f.retryAfterMs)
  return r
}

/**
 * One status for the whole failure: the decisive parts' own, when they agree; 502 when they do not
 * (some upstream trouble that is neither purely a timeout nor purely a pause).
 */
function failure (decisive: Extract<PartOutcome, { ok: false }>[], analysis: Analysis, becauseRequired: boolean): ServiceError {
  const statuses = new Set(decisive.map((d) => errorCodes[d.failure.code].status))
  const status = statuses.size === 1 ? [...statuses][0]! : 502
  const first = decisive.find((d) => errorCodes[d.failure.code].status === status) ?? decisive[0]!
  const names = decisive.map((d) => d.part).join(', ')
  const detail = becauseRequired
    ? `required part${decisive.length > 1 ? 's' : ''} ${names} failed: ${first.failure.message}`
    : `every requested part failed (${names}); first: ${first.failure.message}`
  const retryMs = Math.max(0, ...decisive.map((d) => d.failure.retryAfterMs ?? 0))
  return new ServiceError(first.failure.code, detail, {
    status,
    ...(status === 503 || retryMs > 0 ? { retryAfterS: Math.max(1, Math.ceil(retryMs / 1000)) } : {}),
    extensions: { parts: analysis.parts },
  })
}
