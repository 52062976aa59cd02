// A real upstream with a capacity of its own, in a worker thread: it answers 429 while more than `limit` calls are in flight.
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { ENDPOINTS, okBody } from './fake-upstream.js'

/**
 * Why a thread: the fake upstream shares the test's event loop with the service and its client, so it
 * sees a call only when that loop gets to it. Beside a CPU hog the loop ran late enough that the
 * upstream counted 2 calls in flight while the service held 64 permits, refused almost nothing, and
 * the adaptive ceiling had nothing to learn from. On a loop of its own, the upstream counts the calls
 * the service has sent, as a real one would. Written as a script (`eval`) so the thread needs no
 * TypeScript loader; the counters are shared memory, read without a round trip.
 */
const SCRIPT = `
const { createServer } = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')
const { limit, delayMs, bodies, counters } = workerData
const counts = new Int32Array(counters)
let inFlight = 0
const send = (res, status, payload) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) })
  res.end(payload)
}
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    const endpoint = Object.keys(bodies).find((e) => req.url.endsWith('/' + e))
    if (endpoint === undefined) return send(res, 404, '{"error":"not found"}')
    Atomics.add(counts, 0, 1)
    inFlight++
    let settled = false
    const settle = () => { if (!settled) { settled = true; inFlight-- } }
    res.on('finish', settle)
    res.on('close', settle)
    if (inFlight > limit) {
      Atomics.add(counts, 1, 1)
      return send(res, 429, '{"error":"too many calls in flight"}')
    }
    setTimeout(() => send(res, 200, bodies[endpoint]), delayMs)
  })
})
server.keepAliveTimeout = 1000
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
parentPort.once('message', () => {
  server.closeAllConnections()
  server.close(() => parentPort.close())
})
`

export interface LimitedUpstream {
  /** Base URL to use as TEXT_API_URL. */
  readonly url: string
  /** Calls that arrived. */
  readonly calls: number
  /** Calls answered 429 because more than `limit` were in flight, this one included. */
  readonly overloaded: number
  close (): Promise<void>
}

/** Answers each call after `delayMs` with a fixed valid body, or at once with 429 past `limit` in flight. */
export async function startLimitedUpstream (limit: number, delayMs: number): Promise<LimitedUpstream> {
  const counters = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT)
  const counts = new Int32Array(counters)
  const bodies = Object.fromEntries(ENDPOINTS.map((e) => [e, JSON.stringify(okBody(e, 'A summary. Of a text.'))]))
  const worker = new Worker(SCRIPT, { eval: true, workerData: { limit, delayMs, bodies, counters } })
  const [port] = await once(worker, 'message') as [number]
  return {
    url: `http://127.0.0.1:${port}/text`,
    get calls () { return Atomics.load(counts, 0) },
    get overloaded () { return Atomics.load(counts, 1) },
    async close () {
      const exited = once(worker, 'exit')
      worker.postMessage('close')
      await exited
    },
  }
}
