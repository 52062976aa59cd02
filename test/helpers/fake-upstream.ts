// A real Text API upstream on loopback whose behaviour each test scripts, including on-purpose misbehaviour.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export const ENDPOINTS = ['summarize', 'ner', 'most_common_phrases'] as const
export type EndpointName = typeof ENDPOINTS[number]

export type Behaviour =
  | { kind: 'ok', delayMs?: number, body?: unknown }
  | { kind: 'status', status: number, body?: string, contentType?: string, headers?: Record<string, string>, delayMs?: number }
  | { kind: 'html', status?: number }
  | { kind: 'broken-json' }
  | { kind: 'wrong-shape' }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Sends headers at once, then the body in `chunks` pieces `chunkDelayMs` apart. */
  | { kind: 'slow-body', chunkDelayMs: number, chunks?: number }
  /** Sends headers and half a body, then destroys the socket. */
  | { kind: 'reset-mid-body' }
  | { kind: 'huge-body', bytes: number }
  /** Destroys the socket without answering. */
  | { kind: 'destroy' }

export interface RecordedCall {
  endpoint: EndpointName
  headers: IncomingHttpHeaders
  body: string
  /** performance.now() when the call arrived. */
  at: number
}

export interface FakeUpstream {
  /** Base URL to use as TEXT_API_URL. */
  readonly url: string
  readonly port: number
  readonly calls: RecordedCall[]
  readonly inFlight: number
  readonly maxInFlight: number
  /** Restarts the in-flight high-water mark from what is in flight now. */
  resetMax (): void
  /** Timers the fake itself has pending (delayed answers, trickled bodies). */
  readonly pendingTimers: number
  /** Scripts an endpoint: each call takes the next behaviour; the last one repeats. */
  script (endpoint: EndpointName | '*', ...behaviours: Behaviour[]): void
  count (endpoint: EndpointName): number
  /** Stops listening and cuts every connection; `start` listens again on the same port. */
  stop (): Promise<void>
  start (): Promise<void>
  close (): Promise<void>
}

export function okBody (endpoint: EndpointName, text: string): unknown {
  switch (endpoint) {
    case 'summarize': return { summary: text.split('. ')[0] }
    case 'ner': return { ner: [['PERSON', 'Ada Lovelace'], ['ORG', 'Acme Corp']] }
    case 'most_common_phrases': return { 'most common phrases': ['analytical engine', 'first program'] }
  }
}

export async function startFakeUpstream (opts: { port?: number, keepAliveTimeoutMs?: number } = {}): Promise<FakeUpstream> {
  const scripts = new Map<EndpointName, Behaviour[]>()
  const calls: RecordedCall[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let inFlight = 0
  let maxInFlight = 0

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => { timers.delete(t); fn() }, ms)
    timers.add(t)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const endpoint = ENDPOINTS.find((e) => req.url?.endsWith(`/${e}`))
      const body = Buffer.concat(chunks).toString('utf8')
      if (endpoint === undefined) return json(res, 404, { error: 'not found' })
      calls.push({ endpoint, headers: req.headers, body, at: performance.now() })
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      let settled = false
      const settle = (): void => { if (!settled) { settled = true; inFlight-- } }
      // In flight as the upstream sees it: from the request's arrival until its answer is written (or the call is cut).
      res.on('finish', settle)
      res.on('close', settle)
      const queue = scripts.get(endpoint) ?? []
      const behaviour = (queue.length > 1 ? queue.shift() : queue[0]) ?? { kind: 'ok' }
      act(behaviour, endpoint, req, res, body, later)
    })
  })
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 1000
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  let port = opts.port ?? 0
  const start = async (): Promise<void> => {
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as AddressInfo).port
  }
  const stop = async (): Promise<void> => {
    for (const t of timers) clearTimeout(t)
    timers.clear()
    for (const s of sockets) s.destroy()
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  await start()

  return {
    get url () { return `http://127.0.0.1:${port}/text` },
    get port () { return port },
    calls,
    get inFlight () { return inFlight },
    get maxInFlight () { return maxInFlight },
    resetMax () { maxInFlight = inFlight },
    get pendingTimers () { return timers.size },
    script (endpoint, ...behaviours) {
      for (const e of endpoint === '*' ? ENDPOINTS : [endpoint]) scripts.set(e, [...behaviours])
    },
    count (endpoint) { return calls.filter((c) => c.endpoint === endpoint).length },
    stop,
    start,
    close: stop,
  }
}

function act (b: Behaviour, endpoint: EndpointName, req: IncomingMessage, res: ServerResponse, body: string,
  later: (ms: number, fn: () => void) => void): void {
  const text = (() => { try { return String((JSON.parse(body) as { text?: unknown }).text ?? '') } catch { return '' } })()
  switch (b.kind) {
    case 'ok': return later(b.delayMs ?? 0, () => json(res, 200, b.body ?? okBody(endpoint, text)))
    case 'status': return later(b.delayMs ?? 0, () => {
      res.writeHead(b.status, { 'content-type': b.contentType ?? 'application/json', ...b.headers })
      res.end(b.body ?? JSON.stringify({ error: `status ${b.status}` }))
    })
    case 'html':
      res.writeHead(b.status ?? 502, { 'content-type': 'text/html; charset=utf-8' })
      res.end('<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>')
      return
    case 'broken-json':
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"summary": "cut off')
      return
    case 'wrong-shape': return json(res, 200, { summary: 42, ner: 'none', 'most common phrases': { a: 1 } })
    case 'hang': return
    case 'slow-body': {
      const payload = Buffer.from(JSON.stringify(okBody(endpoint, text)))
      const n = b.chunks ?? 4
      const size = Math.ceil(payload.length / n)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(payload.length) })
      const send = (i: number): void => {
        if (res.destroyed) return
        const part = payload.subarray(i * size, (i + 1) * size)
        if (i === n - 1 || part.length === 0) {
          res.end(part)
          return
        }
        res.write(part)
        later(b.chunkDelayMs, () => send(i + 1))
      }
      return send(0)
    }
    case 'reset-mid-body': {
      const payload = JSON.stringify(okBody(endpoint, text))
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(payload.length) })
      res.write(payload.slice(0, payload.length >> 1))
      return later(5, () => req.socket.destroy())
    }
    case 'huge-body': {
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let sent = 0
      const pump = (): void => {
        while (sent < b.bytes && !res.destroyed) {
          sent += chunk.length
          if (!res.write(chunk)) {
            res.once('drain', pump)
            return
          }
        }
        if (!res.destroyed) res.end()
      }
      return pump()
    }
    case 'destroy':
      req.socket.destroy()
  }
}

function json (res: ServerResponse, status: number, value: unknown): void {
  const payload = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) })
  res.end(payload)
}
