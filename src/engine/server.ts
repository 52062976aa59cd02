// The engine's HTTP server: POST <any prefix>/summarize|ner|most_common_phrases with {"text": "..."}.
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createEndpoints } from './endpoints.js'
import type { Endpoint } from './endpoints.js'
import { BodyTooLargeError } from './errors.js'
import { silentLogger } from './logger.js'
import type { EngineLogger } from './logger.js'
import { checkApiKey, checkBodyLimit, checkMaxPhrases } from './options.js'
import { readBody } from './read-body.js'

export interface EngineServerOptions {
  /** when set, a request must carry it in the `apikey` header */
  readonly apiKey?: string | undefined
  readonly maxPhrases?: number | undefined
  /** bytes; default 1 MiB */
  readonly bodyLimit?: number | undefined
  readonly log?: EngineLogger | undefined
}

// Longer than undici's default 4 s idle timeout, so the client, not the server, closes an idle
// connection and a request never races the server's close.
const KEEP_ALIVE_TIMEOUT_MS = 5_000

/** Creates the server, not listening; whoever calls this listens and closes it. */
export function createEngineServer (options: EngineServerOptions = {}): Server {
  const apiKey = checkApiKey(options.apiKey)
  const bodyLimit = checkBodyLimit(options.bodyLimit)
  const endpoints = createEndpoints({ maxPhrases: checkMaxPhrases(options.maxPhrases) })
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
    const endpoint = endpoints.get(lastSegment(req.url ?? '/'))
    if (endpoint === undefined) return refuse(req, res, 404, 'not found')
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
    analyse(res, endpoint, text)
  }

  function analyse (res: ServerResponse, endpoint: Endpoint, text: string): void {
    let result: object
    try {
      result = endpoint(text)
    } catch (err) {
      log.error({ err, chars: text.length }, 'text analysis failed')
      send(res, 500, { error: 'analysis failed' })
      return
    }
    send(res, 200, result)
  }
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
