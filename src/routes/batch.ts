// POST /analyze/batch: many texts in one request, through the same cache, coalescing, retries and breakers, within a fair share of the limiter.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Ajv } from 'ajv'
import type { ValidateFunction } from 'ajv'
import { inCompletionOrder } from '../analyze/batch.js'
import type { Analysis } from '../analyze/assemble.js'
import { Scope } from '../analyze/scope.js'
import { Cancelled, ServiceError, cancelledPart, toProblem } from '../errors.js'
import type { Problem } from '../errors.js'
import { validationDetail } from '../plugins/validation-detail.js'
import { analysisProblems, analyzeHeaders, batchAnswers, batchBody, batchItem, bodyLimitFor, problemFor } from '../schemas.js'
import { requestBudget, settleAnalysis, startAnalysis } from './analyze-http.js'
import { codePointLengths, codePoints } from '../code-points.js'
import type { AnalyzeBody } from './analyze-http.js'
import { isStream, JSON_TYPE, JSONL, NDJSON, negotiateAnswer, sendEvents, SSE } from './media.js'
import type { StreamEvent } from './media.js'

interface BatchBody {
  /** Each checked on its own, so that an invalid item fails alone. */
  items: unknown[]
  timeoutMs?: number
}

type BatchItem = AnalyzeBody & { id?: string | number }

/** One item's outcome, as its line. */
interface ItemLine {
  id?: string | number
  index: number
  status: number
  analysis?: Analysis
  problem?: Problem
}

/** What a batch answers with, the default first: NDJSON, since a batch is read as it goes. */
const BATCH_MEDIA = [NDJSON, JSONL, JSON_TYPE, SSE] as const

/** Besides its texts, what one item may take in the body: its id, parts and JSON punctuation. */
const ITEM_OVERHEAD_BYTES = 1024

/** The most items of one batch running or waiting to be read at once. */
const MAX_WINDOW = 64

export default async function batchRoute (app: FastifyInstance): Promise<void> {
  const { MAX_BATCH_ITEMS, MAX_BATCH_CHARS, MAX_BATCH_TIMEOUT_MS, MAX_TEXT_CHARS, REQUEST_TIMEOUT_MS } = app.config
  const body = batchBody(MAX_BATCH_ITEMS, MAX_TEXT_CHARS, MAX_BATCH_TIMEOUT_MS)
  // Ajv as the app's (no coercion, no removal): the envelope is checked before the handler, each item in it.
  const ajv = codePointLengths(new Ajv({ coerceTypes: false, removeAdditional: false, allErrors: false, strict: false }))
  const checkItem = ajv.compile<BatchItem>(batchItem(MAX_TEXT_CHARS))
  const checkEnvelope = ajv.compile({ ...body, properties: { ...body.properties, items: { ...body.properties.items, items: {} } } })
  const checkHeaders = ajv.compile(analyzeHeaders(MAX_BATCH_TIMEOUT_MS))
  // Items keep the share's permits busy (three calls each) with a few to spare for cache hits.
  const window = Math.max(2, Math.min(MAX_WINDOW, Math.ceil(app.batchLimiter.size / 3) * 2))

  app.post<{ Body: BatchBody }>('/analyze/batch', {
    bodyLimit: bodyLimitFor(MAX_BATCH_CHARS) + MAX_BATCH_ITEMS * ITEM_OVERHEAD_BYTES,
    config: { client: true, rateLimit: {}, bodyLimitOf: `a batch may hold at most MAX_BATCH_CHARS (${MAX_BATCH_CHARS}) characters of text` },
    validatorCompiler: ({ httpPart }) => (httpPart === 'body' ? checkEnvelope : checkHeaders) as ValidateFunction,
    schema: {
      summary: 'Analyse many texts',
      description: 'Each item is analysed as POST /analyze would, through the same cache, coalescing, retries and breakers; all batches on a ' +
        'replica together hold at most BATCH_CONCURRENCY upstream calls (half the limit by default), so interactive requests are not starved. ' +
        'Items are answered as they complete, and only as fast as the client reads. Each item has the request\'s deadline, counted from when ' +
        `it starts; Request-Timeout-Ms (or timeoutMs) may raise it for a batch, up to ${MAX_BATCH_TIMEOUT_MS} ms. An invalid item fails alone.`,
      tags: ['analysis'],
      headers: analyzeHeaders(MAX_BATCH_TIMEOUT_MS),
      ...(app.clients.keysRequired ? { security: [{ bearer: [] }, { apiKey: [] }] } : {}),
      body,
      response: {
        200: batchAnswers,
        ...analysisProblems,
        413: problemFor(413, 'The body, or the texts of all items together (MAX_BATCH_CHARS), are too large'),
      },
    },
  }, async (request: FastifyRequest<{ Body: BatchBody }>, reply: FastifyReply) => {
    const startedAt = performance.now()
    const items = request.body.items
    const media = negotiateAnswer(request, reply, BATCH_MEDIA)
    // By default each item gets a request's deadline, but never more than a batch may give it.
    const defaultMs = Math.min(REQUEST_TIMEOUT_MS, MAX_BATCH_TIMEOUT_MS)
    const budgetMs = requestBudget(request, request.body.timeoutMs, MAX_BATCH_TIMEOUT_MS, defaultMs)
    let chars = 0
    for (const item of items) {
      const text = (item as { text?: unknown } | null)?.text
      if (typeof text === 'string') chars += codePoints(text)
    }
    if (chars > MAX_BATCH_CHARS) throw new ServiceError('BATCH_TOO_LARGE', `the batch's texts hold ${chars} characters, more than MAX_BATCH_CHARS (${MAX_BATCH_CHARS})`)

    // The batch's scope: the client leaving, or the service stopping, ends every item still running.
    const scope = new Scope(Number.POSITIVE_INFINITY, { parent: app.lifetime, label: 'batch' })
    const res = reply.raw
    res.once('close', () => {
      if (!res.writableFinished) scope.cancel(new Cancelled('client-closed', 'the client closed the connection'))
      scope.dispose()
    })
    reply.header('x-request-id', request.id)

    const analyzeItem = async (index: number): Promise<ItemLine> => {
      const item = items[index]
      const id = idOf(item)
      const requestId = `${request.id}:${index}`
      if (!checkItem(item)) return problemLine(id, index, new ServiceError('VALIDATION_FAILED', validationDetail(checkItem.errors ?? [], `items[${index}]`)), requestId)
      // The client left or the service is stopping: the items not yet started are neither charged nor started.
      const gone = scope.reason
      if (gone !== undefined) return problemLine(id, index, new ServiceError(cancelledPart(gone, 'waiting').code, gone.message), requestId)
      const itemScope = new Scope(budgetMs, { parent: scope, clientDeadline: budgetMs < defaultMs })
      try {
        const started = await startAnalysis(request, item, itemScope, requestId, app.batchLimiter)
        const { answer } = await settleAnalysis(request, started, await started.run.all(), item.require)
        return answer.ok ? { ...idField(id), index, status: 200, analysis: answer.analysis } : problemLine(id, index, answer.error, requestId)
      } catch (err) {
        if (err instanceof ServiceError) return problemLine(id, index, err, requestId)
        throw err
      } finally {
        itemScope.dispose()
      }
    }
    const lines = inCompletionOrder(items.length, window, analyzeItem)
    const summary = new Summary(items.length, request.id)

    if (!isStream(media)) {
      // One JSON array in input order: it can only be sent once every item is done.
      const all: ItemLine[] = new Array(items.length)
      for await (const line of lines) all[line.index] = summary.add(line)
      request.log.info({ batch: summary.line(startedAt) }, 'batch completed')
      return all
    }
    return sendEvents(reply, media, (async function * (): AsyncGenerator<StreamEvent> {
      for await (const line of lines) yield { event: 'item', data: summary.add(line) }
      const done = summary.line(startedAt)
      request.log.info({ batch: done }, 'batch completed')
      yield { event: 'done', data: done }
    })())
  })
}

/** Counts of a batch's items by outcome, and of its failures by code. */
class Summary {
  readonly #items: number
  readonly #requestId: string
  readonly #outcomes = { ok: 0, partial: 0, failed: 0 }
  readonly #codes: Record<string, number> = {}

  constructor (items: number, requestId: string) {
    this.#items = items
    this.#requestId = requestId
  }

  add (line: ItemLine): ItemLine {
    if (line.analysis !== undefined) this.#outcomes[line.analysis.partial ? 'partial' : 'ok']++
    else {
      this.#outcomes.failed++
      const code = line.problem!.code
      this.#codes[code] = (this.#codes[code] ?? 0) + 1
    }
    return line
  }

  line (startedAt: number): Record<string, unknown> {
    return { done: true, items: this.#items, outcomes: this.#outcomes, codes: this.#codes, durationMs: Math.round((performance.now() - startedAt) * 10) / 10, requestId: this.#requestId }
  }
}

function problemLine (id: string | number | undefined, index: number, err: ServiceError, requestId: string): ItemLine {
  return { ...idField(id), index, status: err.status, problem: toProblem(err, requestId) }
}

/** The item's id when it has one of the right kind (an item that fails validation may not). */
function idOf (item: unknown): string | number | undefined {
  const id = (item as { id?: unknown } | null)?.id
  return (typeof id === 'string' && id.length <= 256) || Number.isInteger(id) ? id as string | number : undefined
}

function idField (id: string | number | undefined): { id?: string | number } {
  return id === undefined ? {} : { id }
}
