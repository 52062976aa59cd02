// @ts-check
// The floor: the same /analyze job with nothing but node:http, one undici Agent and a tiny semaphore — what the job itself costs in Node.
import http from 'node:http'
import { floorJob } from './lib/floor-job.js'

const port = Number(process.env.PORT ?? 3000)
const { agent, analyze } = floorJob(process.env)

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
