// @ts-check
// Fake Text API for the benchmark: the three contract endpoints with a fixed latency each, plus an in-flight high-water mark.
import http from 'node:http'

/** @param {string} name @param {number} fallback */
function envMs (name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number of milliseconds, got ${raw}`)
  return n
}

const baseLatencyMs = envMs('UPSTREAM_LATENCY_MS', 20)
// An upstream that is overloaded past a point: more than this many calls in flight are answered 429 at
// once (no Retry-After), as a paid API with a concurrency cap does. 0: no cap.
const maxInFlight429 = envMs('UPSTREAM_MAX_IN_FLIGHT', 0)

// Bodies are built once: the fake must cost as little CPU as possible, since it shares the machine with the target.
/** @type {Record<string, { latencyMs: number, body: Buffer }>} */
const endpoints = {
  summarize: {
    latencyMs: envMs('UPSTREAM_LATENCY_SUMMARIZE_MS', baseLatencyMs),
    body: Buffer.from(JSON.stringify({
      summary: 'Ada Lovelace worked with Charles Babbage on the Analytical Engine in London and wrote what is often called the first published computer program, a method for computing Bernoulli numbers.'
    }))
  },
  ner: {
    latencyMs: envMs('UPSTREAM_LATENCY_NER_MS', baseLatencyMs),
    body: Buffer.from(JSON.stringify({
      ner: [
        ['PERSON', 'Ada Lovelace'], ['PERSON', 'Charles Babbage'], ['GPE', 'London'],
        ['DATE', '1843'], ['PRODUCT', 'Analytical Engine'], ['ORG', 'Royal Society'],
        ['NORP', 'Italian'], ['CARDINAL', 'seven']
      ]
    }))
  },
  most_common_phrases: {
    latencyMs: envMs('UPSTREAM_LATENCY_MOST_COMMON_PHRASES_MS', baseLatencyMs),
    body: Buffer.from(JSON.stringify({
      'most common phrases': ['Analytical Engine', 'Ada Lovelace', 'Bernoulli numbers', 'first computer program', 'Charles Babbage']
    }))
  }
}

let inFlight = 0
let maxInFlight = 0
let calls = 0
let unauthorized = 0
let refused = 0

/** @param {http.ServerResponse} res @param {number} status @param {unknown} value */
function sendJson (res, status, value) {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/'
  if (url === '/__stats') return sendJson(res, 200, { inFlight, maxInFlight, calls, unauthorized, refused })
  if (url === '/__reset' && req.method === 'POST') {
    // The high-water mark restarts from what is in flight now, not from zero, so a straggler is not lost.
    maxInFlight = inFlight
    calls = 0
    unauthorized = 0
    refused = 0
    return sendJson(res, 200, { ok: true })
  }
  const endpoint = endpoints[url.slice(url.lastIndexOf('/') + 1)]
  if (req.method !== 'POST' || endpoint === undefined) {
    req.resume()
    return sendJson(res, 404, { error: 'not found' })
  }
  if (!req.headers.apikey) {
    unauthorized++
    req.resume()
    return sendJson(res, 401, { error: 'missing apikey' })
  }
  calls++
  if (maxInFlight429 > 0 && inFlight >= maxInFlight429) {
    refused++
    req.resume()
    return sendJson(res, 429, { error: 'too many calls in flight' })
  }
  if (++inFlight > maxInFlight) maxInFlight = inFlight
  let done = false
  const finish = () => {
    if (done) return
    done = true
    inFlight--
  }
  res.on('close', finish)
  req.resume()
  req.on('end', () => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': endpoint.body.length })
      res.end(endpoint.body, finish)
    }, endpoint.latencyMs)
  })
})

// Long keep-alive: the clients under test hold their pooled sockets across rounds.
server.keepAliveTimeout = 120_000
server.headersTimeout = 121_000
server.requestTimeout = 0

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  process.stdout.write(JSON.stringify({ listening: port }) + '\n')
})

process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  process.exit(0)
})
