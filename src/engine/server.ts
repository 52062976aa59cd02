// The engine's HTTP server: POST <any prefix>/summarize|ner|most_common_phrases with {"text": "..."}, GET <any prefix>/_stats.
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { TIMEOUT_HEADER, deadlineOf } from './admission.js'
import type { Refusal } from './errors.js'
import { STATS_SEGMENT, kindOf } from './endpoints.js'
import { AnalysisCancelledError, BodyTooLargeError, EngineOptionError, EngineOverloadedError } from './errors.js'
import { silentLogger } from './logger.js'
import type { EngineLogger } from './logger.js'
import { checkApiKey, checkBodyLimit } from './options.js'
import { readBody } from './read-body.js'
import type { Ticket } from './task.js'
import type { TextEngine } from './text-engine.js'

export interface EngineServerOptions {
  /** runs the analyses; whoever created it closes it, after the server */
  readonly engine: Pick<TextEngine, 'submit' | 'stats'>
  /** when set, a request must carry it in the `apikey` header */
  readonly apiKey?: string | undefined
  /** bytes; default 1 MiB */
  readonly bodyLimit?: number | undefined
  readonly log?: EngineLogger | undefined
}

// Longer than undici's default 4 s idle timeout, so the client, not the server, closes an idle
// connection and a request never races the server's close.
const KEEP_ALIVE_TIMEOUT_MS = 5_000

/** Creates the server, not listening; whoever calls this listens and closes it. */
export function createEngineServer (options: EngineServerOptions): Server {
  const engine = options?.engine
  if (typeof engine?.submit !== 'function' || typeof engine.stats !== 'function') {
    throw new EngineOptionError('engine', 'must be a started TextEngine')
  }
  const apiKey = checkApiKey(options.apiKey)
  const bodyLimit = checkBodyLimit(options.bodyLimit)
  const log = options.log ?? silentLogger
  const keyDigest = apiKey === undefined ? undefined : digest(apiKey)

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'text engine request failed')
      if (!res.headersSent) send(res, 500, { error: 'internal error' })
      else res.destroy()
    })
  })
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  return server

  async function handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const segment = lastSegment(req.url ?? '/')
    if (segment === STATS_SEGMENT) return stats(req, res)
    const kind = kindOf(segment)
    if (kind === undefined) return refuse(req, res, 404, 'not found')
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST')
      return refuse(req, res, 405, 'method not allowed')
    }
    if (keyDigest !== undefined && !keyMatches(keyDigest, req.headers.apikey)) {
      return refuse(req, res, 401, 'missing or invalid apikey')
    }
    if (Number(req.headers['content-length']) > bodyLimit) return tooLarge(res, bodyLimit)

    let raw: Buffer
    try {
      raw = await readBody(req, bodyLimit)
    } catch (err) {
      if (err instanceof BodyTooLargeError) return tooLarge(res, bodyLimit)
      // the client went away mid-body: nobody to answer
      res.destroy()
      return
    }
    // No content-type check: the contract's clients send application/json, and the body decides.
    const text = parseText(raw)
    if (typeof text !== 'string') return send(res, 400, text)
    // gone while its body was parsed: nobody to analyse for
    if (res.destroyed) return
    await answer(res, engine.submit(text, kind, deadlineOf(req.headers[TIMEOUT_HEADER])))
  }

  function stats (req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET')
      return refuse(req, res, 405, 'method not allowed')
    }
    if (keyDigest !== undefined && !keyMatches(keyDigest, req.headers.apikey)) {
      return refuse(req, res, 401, 'missing or invalid apikey')
    }
    req.resume()
    send(res, 200, engine.stats())
  }
}

/** The kind's body, a refusal, or nothing once the client has gone: its leaving is what cancels the work. */
async function answer (res: ServerResponse, ticket: Ticket): Promise<void> {
  // 'close' on the response, not the request: since Node 16 a request's 'close' means its body was read.
  const onClose = (): void => ticket.leave()
  res.once('close', onClose)
  try {
    send(res, 200, await ticket.result)
  } catch (err) {
    if (res.destroyed) return
    if (err instanceof EngineOverloadedError) return overloaded(res, err.refusal)
    // the engine is closing and dropped the task this request waited on
    if (err instanceof AnalysisCancelledError) return send(res, 503, { error: 'shutting down' })
    // the scheduler has logged it
    send(res, 500, { error: 'analysis failed' })
  } finally {
    res.off('close', onClose)
  }
}

/** 503 with an honest Retry-After: the client's deadline cannot be met with the work already queued. */
function overloaded (res: ServerResponse, refusal: Refusal): void {
  res.setHeader('retry-after', String(refusal.retryAfterS))
  send(res, 503, { error: 'overloaded', estimatedMs: refusal.estimatedMs, deadlineMs: refusal.deadlineMs })
}

/** The text, or the 400 body saying why there is none. */
function parseText (raw: Buffer): string | { error: string } {
  let body: unknown
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    return { error: 'body must be JSON' }
  }
  if (typeof body !== 'object' || body === null || !('text' in body) || typeof body.text !== 'string') {
    return { error: 'body must be an object with a string "text"' }
  }
  if (body.text.trim() === '') return { error: 'text must not be empty' }
  return body.text
}

/** "/text/summarize/?x=1" → "summarize", so any base path works. */
function lastSegment (url: string): string {
  const path = url.split('?', 1)[0] ?? ''
  const trimmed = path.replace(/\/+$/u, '')
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

// Digests have equal lengths, so the comparison takes the same time whatever the header holds.
function keyMatches (expected: Buffer, header: string | string[] | undefined): boolean {
  return typeof header === 'string' && timingSafeEqual(expected, digest(header))
}

/** Answers without reading the body; resume() drains it so the connection can be reused. */
function refuse (req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
  req.resume()
  send(res, status, { error })
}

/** The rest of the body stays unread, so the connection cannot carry another request. */
function tooLarge (res: ServerResponse, limit: number): void {
  res.setHeader('connection', 'close')
  send(res, 413, { error: `body must not exceed ${limit} bytes` })
}

function send (res: ServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json)
  })
  res.end(json)
}
