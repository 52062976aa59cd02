// @ts-check
// The floor: the same /analyze job with nothing but node:http, one undici Agent and a tiny semaphore — what the job itself costs in Node.
import http from 'node:http'
import { Agent } from 'undici'

const port = Number(process.env.PORT ?? 3000)
const base = new URL(process.env.TEXT_API_URL ?? 'http://127.0.0.1:8080/text')
const apiKey = process.env.TEXT_API_KEY ?? 'bench'
const concurrency = Number(process.env.UPSTREAM_CONCURRENCY ?? 64)

const origin = base.origin
const basePath = base.pathname.replace(/\/$/, '')
const agent = new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 })

// Permits with a FIFO queue; `head` avoids Array#shift on long queues.
let free = concurrency
/** @type {Array<(() => void) | undefined>} */
let waiters = []
let head = 0
function acquire () {
  if (free > 0) {
    free--
    return Promise.resolve()
  }
  return new Promise((resolve) => { waiters.push(/** @type {() => void} */ (resolve)) })
}
function release () {
  if (head < waiters.length) {
    const next = waiters[head]
    waiters[head++] = undefined
    if (head === waiters.length) {
      waiters = []
      head = 0
    }
    /** @type {() => void} */ (next)()
  } else {
    free++
  }
}

/** @param {string} endpoint @param {string} body */
async function call (endpoint, body) {
  await acquire()
  try {
    const res = await agent.request({
      origin,
      path: `${basePath}/${endpoint}`,
      method: 'POST',
      headers: { apikey: apiKey, 'content-type': 'application/json' },
      body
    })
    if (res.statusCode !== 200) {
      await res.body.dump()
      throw new Error(`upstream ${endpoint} answered ${res.statusCode}`)
    }
    return JSON.parse(await res.body.text())
  } finally {
    release()
  }
}

let nextId = 0

/** @param {string} endpoint @param {string} body */
async function timed (endpoint, body) {
  const t0 = performance.now()
  try {
    return { value: await call(endpoint, body), report: { status: 'ok', durationMs: performance.now() - t0 } }
  } catch {
    return { value: null, report: { status: 'error', durationMs: performance.now() - t0 } }
  }
}

// Same shape as the service's 200 answer: normalised entities, a report per part, a request id.
/** @param {string} text */
async function analyze (text) {
  const body = JSON.stringify({ text })
  const [s, n, p] = await Promise.all([timed('summarize', body), timed('ner', body), timed('most_common_phrases', body)])
  const failed = (s.value === null ? 1 : 0) + (n.value === null ? 1 : 0) + (p.value === null ? 1 : 0)
  return {
    ok: failed < 3,
    result: {
      summary: s.value?.summary ?? null,
      entities: n.value?.ner.map((/** @type {[string, string]} */ [type, t]) => ({ type, text: t })) ?? null,
      mostCommonPhrases: p.value?.['most common phrases'] ?? null,
      parts: { summary: s.report, entities: n.report, mostCommonPhrases: p.report },
      partial: failed > 0,
      requestId: `floor-${++nextId}`
    }
  }
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} value */
function send (res, status, value) {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { status: 'ok' })
  if (req.method !== 'POST' || req.url !== '/analyze') {
    req.resume()
    return send(res, 404, { error: 'not found' })
  }
  /** @type {Buffer[]} */
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    analyze(JSON.parse(Buffer.concat(chunks).toString('utf8')).text).then(
      ({ ok, result }) => send(res, ok ? 200 : 502, result),
      () => send(res, 500, { error: 'internal' })
    )
  })
})

server.keepAliveTimeout = 120_000
server.headersTimeout = 121_000
server.requestTimeout = 0

server.listen(port, process.env.HOST ?? '127.0.0.1')

process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  agent.close().finally(() => process.exit(0))
})
