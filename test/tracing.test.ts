// OpenTelemetry: the span tree of one request with a retried part, exported over OTLP/HTTP to a collector on loopback; nothing loaded when off.
import { once } from 'node:events'
import { hasSubscribers } from 'node:diagnostics_channel'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import t from 'tap'
import { request as get } from 'undici'
import type { Test } from 'tap'
import { attemptChannel, partChannel } from '../src/events.js'
import { tracingRequested } from '../src/plugins/tracing.js'
import { keyEntry } from '../src/clients/keys.js'
import { build, TEST_KEY } from './helpers/build.js'

const TEXT = 'Ada Lovelace worked with Charles Babbage in London. She wrote the first program.'

/** OTLP/JSON as the collector receives it (only what the assertions read). */
interface OtlpValue { stringValue?: string, intValue?: string | number, boolValue?: boolean }
interface OtlpAttribute { key: string, value: OtlpValue }
interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes?: OtlpAttribute[]
  status?: { code?: number, message?: string }
  events?: unknown[]
}
interface OtlpExport {
  resourceSpans: Array<{ resource: { attributes: OtlpAttribute[] }, scopeSpans: Array<{ scope: { name: string }, spans: OtlpSpan[] }> }>
}

interface Span {
  traceId: string
  spanId: string
  parent: string | undefined
  name: string
  kind: number
  scope: string
  attrs: Record<string, string | number | boolean | undefined>
  status: number
  statusMessage: string | undefined
  events: number
}

const KIND = { internal: 1, server: 2, client: 3 } as const
const STATUS = { unset: 0, ok: 1, error: 2 } as const

function value (v: OtlpValue): string | number | boolean | undefined {
  if (v.stringValue !== undefined) return v.stringValue
  if (v.intValue !== undefined) return Number(v.intValue)
  return v.boolValue
}

function attributes (list: OtlpAttribute[] | undefined): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, value(a.value)]))
}

/** A tiny OTLP/HTTP collector: keeps the raw bytes of every POST /v1/traces and answers like a collector. */
async function startCollector (t: Test) {
  const bodies: Buffer[] = []
  const requests: Array<{ path: string | undefined, headers: IncomingHttpHeaders }> = []
  let answering = true
  const server = createServer((req, res) => {
    if (!answering) return
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ path: req.url, headers: req.headers })
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end()
        return
      }
      bodies.push(Buffer.concat(chunks))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    requests,
    /** From now on, accept exports and never answer them. */
    hang () { answering = false },
    /** Every exported span, and the resource attributes of the exports. */
    spans () {
      const spans: Span[] = []
      const resources: Array<Record<string, unknown>> = []
      for (const body of bodies) {
        const data = JSON.parse(body.toString('utf8')) as OtlpExport
        for (const rs of data.resourceSpans) {
          resources.push(attributes(rs.resource.attributes))
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                parent: s.parentSpanId === undefined || s.parentSpanId === '' ? undefined : s.parentSpanId,
                name: s.name,
                kind: s.kind,
                scope: ss.scope.name,
                attrs: attributes(s.attributes),
                status: s.status?.code ?? STATUS.unset,
                statusMessage: s.status?.message,
                events: s.events?.length ?? 0,
              })
            }
          }
        }
      }
      return { spans, resources }
    },
  }
}

/** Sets the OTel variables for this test (the SDK reads process.env), restored at teardown. */
function otelEnv (t: Test, vars: Record<string, string>): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  Object.assign(process.env, vars)
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })
}

function loadedOtelModules (): string[] {
  const require = createRequire(import.meta.url)
  return Object.keys(require.cache).filter((path) => /[\\/]node_modules[\\/](@opentelemetry|@fastify[\\/]otel)[\\/]/.test(path))
}

const children = (spans: Span[], parent: Span): Span[] => spans.filter((s) => s.parent === parent.spanId && s.traceId === parent.traceId)

// Whatever the environment says, this file decides: no OTel variable unless a test sets one.
for (const k of Object.keys(process.env)) if (k.startsWith('OTEL_')) delete process.env[k]

// First, before any test here loads the SDK: every @opentelemetry package is CommonJS (also when
// imported from ESM), so anything loaded shows in require.cache.
t.test('with no OTel variable set, loads no OpenTelemetry module and adds no event subscriber', async (t) => {
  const { app, analyze, upstream } = await build(t)
  const res = await analyze({ text: TEXT })
  t.equal(res.status, 200)
  t.notOk(app.hasPlugin('@fastify/otel'), 'no request hooks')
  // prom-client (metrics) loads @opentelemetry/api for its exemplars; the SDK, the instrumentations and
  // @fastify/otel are what tracing would load.
  t.same(loadedOtelModules().filter((p) => !/[\\/]@opentelemetry[\\/]api[\\/]/.test(p)), [], 'no SDK, instrumentation or @fastify/otel module')
  t.notOk(partChannel.start.hasSubscribers, 'nothing binds the part channel\'s start')
  t.notOk(attemptChannel.start.hasSubscribers, 'nothing binds the attempt channel\'s start (metrics reads only its end)')
  t.ok(partChannel.asyncEnd.hasSubscribers, 'metrics still counts outcomes (the only subscriber)')
  t.notOk(hasSubscribers('undici:request:create'), 'undici is not instrumented')
  t.equal(upstream.calls.length, 3)
  t.ok(upstream.calls.every((c) => c.headers.traceparent === undefined), 'no traceparent upstream')
})

t.test('reads the standard variables as the SDK does', async (t) => {
  t.notOk(tracingRequested({}))
  t.ok(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))
  t.ok(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }))
  t.ok(tracingRequested({ OTEL_TRACES_EXPORTER: 'console' }))
  t.ok(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp, console' }))
  t.notOk(tracingRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), 'none wins over an endpoint')
  t.notOk(tracingRequested({ OTEL_TRACES_EXPORTER: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: '' }))
  t.notOk(tracingRequested({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))
})

// In-process, not a real process: nothing here patches modules as they load (undici is traced through
// its diagnostics channels, Fastify through @fastify/otel's plugin), so the SDK can start after them.
t.test('exports one request as a span tree: request, parts, attempts with the retry, HTTP calls carrying traceparent, and no key', async (t) => {
  const collector = await startCollector(t)
  otelEnv(t, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
  })
  const { app, analyze, upstream, logs, url, client } = await build(t)
  upstream.script('ner', { kind: 'status', status: 503 }, { kind: 'ok' })
  const res = await analyze({ text: TEXT })
  t.equal(res.status, 200)
  t.equal(res.body.parts.entities.attempts, 2, 'entities was retried once')
  const probe = await get(`${url}/healthz`, { dispatcher: client })
  await probe.body.dump()
  t.equal(probe.statusCode, 200, 'a probe, which makes no trace')
  await app.close()

  t.equal(collector.requests.filter((r) => r.path !== '/v1/traces').length, 0, 'traces only: no metrics or logs exported')
  t.ok(collector.requests.every((r) => r.headers['content-type'] === 'application/json'), 'OTLP/HTTP JSON, as OTEL_EXPORTER_OTLP_PROTOCOL says')
  const raw = Buffer.concat(collector.bodies).toString('utf8')
  t.notOk(raw.includes(TEST_KEY), 'the API key is in no exported byte')
  t.notOk(raw.includes('http.request.header'), 'no request header is captured')
  const { spans, resources } = collector.spans()
  t.equal(resources[0]?.['service.name'], 'text-bff', 'service.name defaults to text-bff')
  t.equal(resources[0]?.['deployment.environment.name'], 'test', 'OTEL_RESOURCE_ATTRIBUTES is honoured')

  const roots = spans.filter((s) => s.parent === undefined)
  t.equal(roots.length, 1, 'one root')
  t.notOk(spans.some((s) => s.name.includes('health')), 'the probe made no span')
  const request = roots[0]!
  t.equal(request.name, 'POST /analyze')
  t.equal(request.kind, KIND.server)
  t.equal(request.scope, '@fastify/otel')
  t.equal(request.attrs['http.response.status_code'], 200)
  t.equal(request.attrs['text_bff.request_id'], res.body.requestId)
  t.ok(spans.every((s) => s.traceId === request.traceId), 'every span is in the request\'s trace')
  t.equal(spans.length, 1 + 3 + 4 + 4, 'the request, three parts, four attempts, four HTTP calls')

  const parts = children(spans, request)
  t.same(parts.map((s) => s.name).sort(), ['part entities', 'part mostCommonPhrases', 'part summary'])
  const expected = { summary: ['summarize', 1], entities: ['ner', 2], mostCommonPhrases: ['most_common_phrases', 1] } as const
  for (const [part, [endpoint, attempts]] of Object.entries(expected)) {
    const span = parts.find((s) => s.name === `part ${part}`)!
    t.match(span.attrs, {
      'text_bff.part': part,
      'text_bff.outcome': 'ok',
      'text_bff.attempts': attempts,
      'text_bff.cache': 'miss',
      'text_bff.coalesced': false,
      'text_bff.request_id': res.body.requestId,
    }, `part ${part}'s attributes`)
    t.equal(span.status, STATUS.unset)
    const tries = children(spans, span).sort((a, b) => Number(a.attrs['text_bff.attempt']) - Number(b.attrs['text_bff.attempt']))
    t.same(tries.map((s) => s.name), Array(attempts).fill(`attempt ${endpoint}`), `${part}: one attempt span per attempt`)
    t.same(tries.map((s) => s.attrs['text_bff.attempt']), Array.from({ length: attempts }, (_, i) => i + 1))
    for (const attempt of tries) {
      t.equal(attempt.attrs['text_bff.endpoint'], endpoint)
      const http = children(spans, attempt)
      t.equal(http.length, 1, `attempt ${attempt.attrs['text_bff.attempt']} of ${part} has one HTTP client span`)
      t.equal(http[0]!.kind, KIND.client)
      t.equal(http[0]!.name, 'POST')
      t.equal(http[0]!.scope, '@opentelemetry/instrumentation-undici')
      t.match(String(http[0]!.attrs['url.full']), new RegExp(`/text/${endpoint}$`))
      t.equal(children(spans, http[0]!).length, 0)
    }
  }

  const entities = parts.find((s) => s.name === 'part entities')!
  const [first, second] = children(spans, entities).sort((a, b) => Number(a.attrs['text_bff.attempt']) - Number(b.attrs['text_bff.attempt']))
  t.match(first!.attrs, { 'text_bff.outcome': 'UPSTREAM_ERROR', 'text_bff.upstream_status': 503, 'text_bff.retryable': true }, 'attempt 1: the 503')
  t.equal(first!.status, STATUS.error)
  t.equal(first!.statusMessage, 'UPSTREAM_ERROR')
  t.equal(children(spans, first!)[0]!.attrs['http.response.status_code'], 503)
  t.match(second!.attrs, { 'text_bff.outcome': 'ok' }, 'attempt 2: ok')
  t.equal(second!.status, STATUS.unset)
  t.equal(children(spans, second!)[0]!.attrs['http.response.status_code'], 200)

  // W3C trace context: each upstream call carried the trace id and its own client span's id.
  t.equal(upstream.calls.length, 4)
  const clientSpans = new Map(spans.filter((s) => s.kind === KIND.client).map((s) => [s.spanId, s]))
  for (const call of upstream.calls) {
    const parsed = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(call.headers.traceparent))
    t.ok(parsed, `${call.endpoint}: a sampled W3C traceparent (${call.headers.traceparent})`)
    t.equal(parsed?.[1], request.traceId, `${call.endpoint}: the request's trace id`)
    const client = clientSpans.get(parsed?.[2] ?? '')
    t.ok(client, `${call.endpoint}: the parent id is an exported client span's`)
    const attempt = spans.find((s) => s.spanId === client?.parent)
    t.equal(attempt?.attrs['text_bff.endpoint'], call.endpoint, `${call.endpoint}: under the attempt at that endpoint`)
    clientSpans.delete(parsed?.[2] ?? '')
  }
  t.equal(clientSpans.size, 0, 'one traceparent per client span')
  t.notOk(logs.some((l) => l.includes('opentelemetry:')), 'the SDK complained of nothing')

  // The check of the first test would catch an SDK loaded eagerly: here it is loaded.
  t.ok(loadedOtelModules().some((p) => /[\\/]@opentelemetry[\\/]sdk-node[\\/]/.test(p)), 'the SDK was loaded, on demand')
  t.notOk(attemptChannel.hasSubscribers, 'closing the app removed the subscribers')
  t.notOk(hasSubscribers('undici:request:create'), 'and disabled the undici instrumentation')
})

t.test('a part that joined another request\'s call is marked coalesced, and the attempts stay in the trace of the request that made them', async (t) => {
  const collector = await startCollector(t)
  otelEnv(t, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })
  const { app, analyze, upstream } = await build(t)
  // Long enough that the second request arrives while the first one's calls are in flight, on a busy machine too.
  upstream.script('*', { kind: 'ok', delayMs: 500 })
  const first = analyze({ text: TEXT }, { 'x-request-id': 'first' })
  while (upstream.calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 5))
  const second = await analyze({ text: TEXT }, { 'x-request-id': 'second' })
  t.equal((await first).status, 200)
  t.equal(second.status, 200)
  t.equal(upstream.calls.length, 3, 'one call per part, shared')
  await app.close()

  const { spans } = collector.spans()
  const requests = spans.filter((s) => s.parent === undefined)
  t.same(requests.map((s) => s.attrs['text_bff.request_id']).sort(), ['first', 'second'], 'two traces, one per request')
  const joined = requests.find((s) => s.attrs['text_bff.request_id'] === 'second')!
  const joinedParts = children(spans, joined)
  t.equal(joinedParts.length, 3)
  for (const part of joinedParts) {
    t.match(part.attrs, { 'text_bff.coalesced': true, 'text_bff.cache': 'collapsed', 'text_bff.attempts': 0, 'text_bff.outcome': 'ok' }, `${part.name} joined`)
    t.equal(children(spans, part).length, 0, `${part.name} made no attempt of its own`)
  }
  const leader = requests.find((s) => s.attrs['text_bff.request_id'] === 'first')!
  const attempts = spans.filter((s) => s.name.startsWith('attempt '))
  t.equal(attempts.length, 3)
  t.ok(attempts.every((a) => a.traceId === leader.traceId && a.attrs['text_bff.request_id'] === 'first'), 'every attempt is in the first request\'s trace')
  t.ok(children(spans, leader).every((p) => p.attrs['text_bff.coalesced'] === false && children(spans, p).length === 1))
})

t.test('a failed part and its cancelled attempt carry the error code', async (t) => {
  const collector = await startCollector(t)
  otelEnv(t, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })
  const { app, analyze, upstream } = await build(t)
  upstream.script('summarize', { kind: 'hang' })
  const res = await analyze({ text: TEXT, timeoutMs: 300 })
  t.equal(res.status, 200)
  t.equal(res.body.parts.summary.code, 'UPSTREAM_TIMEOUT')
  await app.close()

  const { spans } = collector.spans()
  const part = spans.find((s) => s.name === 'part summary')!
  t.match(part.attrs, { 'text_bff.outcome': 'UPSTREAM_TIMEOUT', 'text_bff.attempts': 1 })
  t.equal(part.status, STATUS.error)
  t.equal(part.statusMessage, 'UPSTREAM_TIMEOUT')
  const [attempt] = children(spans, part)
  t.match(attempt?.attrs, { 'text_bff.outcome': 'UPSTREAM_TIMEOUT', 'text_bff.retryable': false })
  t.equal(attempt?.status, STATUS.error)
  t.equal(children(spans, attempt!).length, 1, 'the aborted HTTP call is still a span')
})

t.test('a refused request\'s span holds its status code, not the error\'s message, stack or the query string', async (t) => {
  const collector = await startCollector(t)
  otelEnv(t, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })
  const { app, url, client } = await build(t, { API_KEYS: keyEntry('alice', 'sk-alice-1') })
  const res = await get(`${url}/analyze?key=sk-in-the-url`, {
    dispatcher: client,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-wrong-key' },
    body: JSON.stringify({ text: TEXT }),
  })
  t.equal(res.statusCode, 401)
  await res.body.dump()
  await app.close()
  const { spans } = collector.spans()
  const span = spans.find((s) => s.kind === KIND.server || s.name.startsWith('POST'))!
  t.ok(span, 'the request span was exported')
  t.equal(span.status, STATUS.error)
  t.notOk(span.statusMessage, 'no status message (it was the error\'s)')
  t.equal(span.events, 0, 'no exception event, so no message and no stack')
  t.equal(span.attrs['url.path'], '/analyze', 'the path without its query string')
  t.notOk(JSON.stringify(spans).includes('sk-in-the-url'), 'nothing from the query anywhere')
  t.notOk(JSON.stringify(spans).includes('not known'), 'nor the problem\'s detail')
})

t.test('closing does not wait past the shutdown grace for a collector that never answers', async (t) => {
  const collector = await startCollector(t)
  // The exporter's own timeout (3 s here, 10 s by default) is longer than the grace; it bounds only
  // how long the abandoned export keeps this test's process alive.
  otelEnv(t, { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TIMEOUT: '3000' })
  const { app, analyze, logs } = await build(t, { SHUTDOWN_GRACE_MS: 300 })
  t.equal((await analyze({ text: TEXT })).status, 200)
  collector.hang()
  const started = performance.now()
  await app.close()
  const ms = performance.now() - started
  t.ok(ms < 2000, `closed in ${Math.round(ms)} ms, with a 300 ms grace, not after the exporter's 3 s timeout`)
  t.ok(logs.some((l) => l.includes('spans not flushed within the shutdown grace')), 'and says the spans were not flushed')
  t.notOk(logs.join('').includes(TEST_KEY))
})
