// The HTTP side of an analysis: the deadline from headers and body, the client leaving, timing and partial headers.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { assemble, failedParts, partReport } from '../analyze/assemble.js'
import type { Analysis, Assembled, PartReport } from '../analyze/assemble.js'
import type { AnalysisPlan, AnalysisRun, AnalyzeInput } from '../analyze/runner.js'
import { Scope } from '../analyze/scope.js'
import { cacheMode, cacheStatusHeader } from '../cache/http.js'
import { Cancelled, ServiceError, toProblem } from '../errors.js'
import { partNames } from '../parts.js'
import type { PartName, PartOutcome } from '../parts.js'
import { TIMEOUT_HEADER } from '../upstream/client.js'
import type { Limiter } from '../upstream/limiter.js'
import { chargeQuota, refundQuota } from '../plugins/clients.js'
import { codePoints } from '../code-points.js'
import { isStream, JSON_TYPE, JSONL, NDJSON, negotiateAnswer, sendEvents, SSE } from './media.js'
import type { StreamEvent } from './media.js'

export interface AnalyzeBody extends AnalyzeInput {
  /** Parts whose failure fails the request; default none. */
  require?: PartName[] | undefined
  /** The client's own deadline in ms; the server's REQUEST_TIMEOUT_MS still bounds it. */
  timeoutMs?: number | undefined
}

/** What POST /analyze can answer with, the default first. */
const ANALYZE_MEDIA = [JSON_TYPE, NDJSON, JSONL, SSE] as const

/**
 * POST /analyze: the assembled analysis as one JSON document, or (Accept: NDJSON, JSON Lines or SSE)
 * each part as it completes, then the outcome. Either way, what fails before any part runs (validation,
 * the quota, admission) answers with its problem document and status.
 */
export async function analyzeRequest (request: FastifyRequest<{ Body: AnalyzeBody }>, reply: FastifyReply): Promise<Analysis | FastifyReply> {
  const app = request.server
  const body = request.body
  const media = negotiateAnswer(request, reply, ANALYZE_MEDIA)
  const budgetMs = requestBudget(request, body.timeoutMs, app.config.REQUEST_TIMEOUT_MS)
  const scope = new Scope(budgetMs, { parent: app.lifetime, clientDeadline: budgetMs < app.config.REQUEST_TIMEOUT_MS })
  const res = reply.raw
  const onClose = (): void => {
    if (!res.writableFinished) scope.cancel(new Cancelled('client-closed', 'the client closed the connection'))
    scope.dispose()
  }
  res.once('close', onClose)
  reply.header('x-request-id', request.id)
  let started: Started
  try {
    started = await startAnalysis(request, body, scope, request.id)
  } catch (err) {
    res.off('close', onClose)
    scope.dispose()
    throw err
  }
  // A stream ends when the client has it all or leaves: `close` cancels what still runs, and disposes.
  if (isStream(media)) return sendEvents(reply, media, analysisEvents(request, started, body.require))
  try {
    const { answer, cacheStatus } = await settleAnalysis(request, started, await started.run.all(), body.require)
    if (cacheStatus !== undefined) reply.header('cache-status', cacheStatus)
    if (!answer.ok) {
      reply.header('server-timing', serverTiming(answer.error.extensions!.parts as Record<PartName, PartReport>))
      throw answer.error
    }
    const analysis = answer.analysis
    reply.header('server-timing', serverTiming(analysis.parts))
    if (analysis.partial) reply.header('partial-response', failedParts(analysis).join(', '))
    return analysis
  } finally {
    res.off('close', onClose)
    scope.dispose()
  }
}

/** An analysis whose parts are running, and what it was charged. */
export interface Started {
  readonly plan: AnalysisPlan
  readonly run: AnalysisRun
  readonly requestId: string
  /** Characters charged to the client's quota, refunded if no call was made after all. */
  readonly charged: number
}

/**
 * What every analysis (a request, a batch item) does before its parts run: checks `require` against
 * `parts`, plans, charges the client's quota for a text the cache cannot answer, and starts the parts
 * under `scope`, admitted against `limiter` (a batch's share; by default the service's). A refusal
 * gives the charge back.
 */
export async function startAnalysis (request: FastifyRequest, body: AnalyzeBody, scope: Scope, requestId: string, limiter?: Limiter): Promise<Started> {
  const analyzer = request.server.analyzer
  // JSON lets a string hold a lone surrogate (a "\ud800" escape); no UTF-8 text can, so neither the
  // upstream nor a strict client could read it back. A native scan, well under a microsecond a text.
  if (!body.text.isWellFormed()) {
    throw new ServiceError('VALIDATION_FAILED', 'text must be well-formed Unicode: it holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape)')
  }
  if (body.require !== undefined && body.parts !== undefined) {
    const stray = body.require.find((p) => !body.parts!.includes(p))
    if (stray !== undefined) throw new ServiceError('VALIDATION_FAILED', `require names "${stray}", which is not in parts`)
  }
  const plan = analyzer.plan({ text: body.text, parts: body.parts, cache: cacheMode(request.headers['cache-control'], request.headers.pragma) })
  // A text whose every part the cache answers costs nothing; without a quota, nothing is counted or awaited.
  const charged = plan.misses > 0 && request.server.clients.quota !== undefined ? await chargeQuota(request, codePoints(plan.text)) : 0
  try {
    return { plan, run: analyzer.start(plan, scope, requestId, limiter), requestId, charged }
  } catch (err) {
    await refundQuota(request, charged)
    throw err
  }
}

/**
 * Once every part is done: refunds a charge that bought no call (a Redis hit, a call another request
 * made), and assembles the answer, with its Cache-Status; a partial one is logged.
 */
export async function settleAnalysis (request: FastifyRequest, started: Started, outcomes: readonly PartOutcome[], required: readonly PartName[] | undefined): Promise<{ answer: Assembled, cacheStatus: string | undefined }> {
  if (started.charged > 0 && outcomes.every((o) => o.attempts === 0)) await refundQuota(request, started.charged)
  const cacheStatus = cacheStatusHeader(outcomes.map((o) => ({ part: o.part, cache: o.cache, ok: o.ok })), started.plan.mode)
  const answer = assemble(outcomes, required, started.requestId)
  if (answer.ok && answer.analysis.partial) {
    const parts = answer.analysis.parts
    const failed = failedParts(answer.analysis).map((p) => [p, (parts[p] as { code: string }).code] as const)
    // A client that left is logged once, as CLIENT_CLOSED (client-closed.ts): what it left behind is not news.
    if (failed.some(([, code]) => code !== 'CLIENT_CLOSED')) request.log.warn({ analysis: started.requestId, failed }, 'partial analysis')
  }
  return { answer, cacheStatus }
}

/** A streamed analysis: a `part` event per part as it completes, then `done` with the outcome. */
async function * analysisEvents (request: FastifyRequest, started: Started, required: readonly PartName[] | undefined): AsyncGenerator<StreamEvent> {
  const outcomes: PartOutcome[] = []
  for await (const outcome of started.run) {
    outcomes.push(outcome)
    yield { event: 'part', data: partLine(outcome) }
  }
  const { answer } = await settleAnalysis(request, started, outcomes, required)
  if (!answer.ok && answer.error.status >= 500) request.log.warn({ code: answer.error.code, detail: answer.error.message }, 'streamed analysis failed')
  yield { event: 'done', data: outcomeLine(answer, started.requestId) }
}

/** One part as a stream line: its name and status, its data or its problem, then its report. */
export function partLine (outcome: PartOutcome): Record<string, unknown> {
  const { status, ...report } = partReport(outcome)
  return outcome.ok ? { part: outcome.part, status, data: outcome.value, ...report } : { part: outcome.part, status, ...report }
}

/** How a streamed analysis ended: the status and body the JSON answer would have had, in short. */
export function outcomeLine (answer: Assembled, requestId: string): Record<string, unknown> {
  if (answer.ok) {
    const failed = failedParts(answer.analysis)
    return { done: true, status: 200, partial: answer.analysis.partial, ...(failed.length > 0 ? { failed } : {}), requestId }
  }
  const { type, code, detail } = toProblem(answer.error, requestId)
  return { done: true, status: answer.error.status, partial: false, type, code, detail, requestId }
}

/** The request's deadline: the smaller of the body's timeoutMs and the header, each at most `maxMs`; `defaultMs` when neither is given. */
export function requestBudget (request: FastifyRequest, bodyTimeoutMs: number | undefined, maxMs: number, defaultMs = maxMs): number {
  const header = headerTimeout(request.headers[TIMEOUT_HEADER], maxMs)
  if (header === undefined && bodyTimeoutMs === undefined) return defaultMs
  return Math.min(bodyTimeoutMs ?? maxMs, header ?? maxMs)
}

function headerTimeout (value: string | string[] | undefined, max: number): number | undefined {
  if (value === undefined) return undefined
  const text = Array.isArray(value) ? value[0] : value
  // The rule the message states, and the body's timeoutMs follows the same: from 1 to the server's own.
  if (text === undefined || !/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new ServiceError('VALIDATION_FAILED', `header Request-Timeout-Ms must be a whole number of milliseconds from 1 to ${max}`)
  }
  return Number(text)
}

/** One entry per computed part, so browser devtools show where the time went. */
export function serverTiming (parts: Record<PartName, PartReport>): string {
  let out = ''
  for (const name of partNames) {
    const r = parts[name]
    if (r.status === 'skipped') continue
    out += `${out === '' ? '' : ', '}${name};dur=${r.durationMs}${r.status === 'error' ? `;desc="${r.code}"` : ''}`
  }
  return out
}
