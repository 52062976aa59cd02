// The OpenAPI document: valid OpenAPI 3.1, every route in it, and real answers match the schemas it declares.
import t from 'tap'
import type { Test } from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'

type Doc = { openapi: string, paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>, content?: Record<string, { schema: object, examples?: Record<string, { value: unknown }> }> }> }>> }

const ajv = new Ajv2020({ strict: false, allErrors: true })

async function fetchDoc (built: Built): Promise<Doc> {
  const res = await built.app.inject('/openapi.json')
  return res.json() as Doc
}

/** Checks one real answer against the schema the document declares for its route, status and media type. */
function conforms (t: Test, doc: Doc, route: string, method: string, res: { statusCode: number, headers: Record<string, unknown>, body: string }): void {
  const declared = doc.paths[route]?.[method]?.responses[String(res.statusCode)]
  t.ok(declared, `${method.toUpperCase()} ${route} declares ${res.statusCode}`)
  // What a refusal tells the client to do besides its document is declared too.
  for (const header of ['retry-after', 'www-authenticate']) {
    if (res.headers[header] !== undefined) t.ok(declared?.headers?.[header], `${method.toUpperCase()} ${route} ${res.statusCode} declares its ${header} header`)
  }
  const type = String(res.headers['content-type']).split(';')[0]!
  const media = declared?.content?.[type]
  t.ok(media, `${method.toUpperCase()} ${route} ${res.statusCode} declares ${type}`)
  if (media === undefined) return
  const validate = ajv.compile(media.schema)
  // A stream of JSON lines: each line is one of the declared line schemas.
  const bodies = type === 'application/x-ndjson' || type === 'application/jsonl'
    ? res.body.trimEnd().split('\n').map((l) => JSON.parse(l))
    : [type.includes('json') ? JSON.parse(res.body) : res.body]
  for (const body of bodies) {
    t.ok(validate(body), `${method.toUpperCase()} ${route} ${res.statusCode} ${type}: the answer matches its schema ${JSON.stringify(validate.errors ?? [])}`)
  }
}

t.test('the document is valid OpenAPI 3.1 and describes every route', async (t) => {
  const built = await build(t)
  const doc = await fetchDoc(built)
  const validator = new Validator()
  const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0])
  t.ok(result.valid, `valid: ${JSON.stringify(result.errors ?? []).slice(0, 2000)}`)
  t.equal(validator.version, '3.1')
  for (const path of ['/analyze', '/analyze/batch', '/health/live', '/health/ready', '/healthz', '/problems', '/problems/{slug}', '/metrics']) t.ok(doc.paths[path], `${path} is described`)
  const analyze = doc.paths['/analyze']!.post!
  t.same(Object.keys(analyze.responses).sort(), ['200', '400', '401', '413', '415', '429', '502', '503', '504'])
  t.match(JSON.stringify(analyze), /request-timeout-ms/)
  t.match(JSON.stringify(analyze), /x-request-id/)
})

t.test('every example in the document matches its own schema', async (t) => {
  const built = await build(t)
  const doc = await fetchDoc(built)
  let n = 0
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const media of Object.values(response.content ?? {})) {
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            n++
            const validate = ajv.compile(media.schema)
            t.ok(validate(example.value), `${method} ${path} ${status} example ${name}`)
          }
        }
      }
    }
  }
  t.ok(n >= 15, `${n} examples checked`)
})

t.test('real answers match the schemas the document declares, for every status of /analyze', async (t) => {
  const built = await build(t, { BREAKER_MIN_CALLS: 1, UPSTREAM_MAX_ATTEMPTS: 1, MAX_TEXT_CHARS: 1000 })
  const doc = await fetchDoc(built)
  const post = (payload: unknown, headers: Record<string, string> = {}) => built.app.inject({ method: 'POST', url: '/analyze', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } })
  let n = 0
  const text = (): string => `Ada Lovelace met Charles Babbage. Text ${++n}.`
  conforms(t, doc, '/analyze', 'post', await post({ text: text() }))
  built.upstream.script('ner', { kind: 'status', status: 500 })
  const partial = await post({ text: text() })
  t.equal(partial.json().partial, true)
  conforms(t, doc, '/analyze', 'post', partial)
  conforms(t, doc, '/analyze', 'post', await post({ nope: 1 }))
  conforms(t, doc, '/analyze', 'post', await post('x'.repeat(10_000)))
  conforms(t, doc, '/analyze', 'post', await post('hello', { 'content-type': 'text/plain' }))
  const failed = await post({ text: text(), parts: ['entities'] })
  t.equal(failed.statusCode, 502)
  conforms(t, doc, '/analyze', 'post', failed)
  const open = await post({ text: text(), parts: ['entities'] })
  t.equal(open.json().code, 'CIRCUIT_OPEN')
  conforms(t, doc, '/analyze', 'post', open)
  built.upstream.script('summarize', { kind: 'hang' })
  const late = await post({ text: text(), parts: ['summary'] }, { 'request-timeout-ms': '100' })
  t.equal(late.statusCode, 504)
  conforms(t, doc, '/analyze', 'post', late)
})

t.test('streamed analyses and batches answer as declared, in every media type', async (t) => {
  const built = await build(t, { MAX_BATCH_CHARS: 200 })
  const doc = await fetchDoc(built)
  const analyze = doc.paths['/analyze']!.post!.responses['200']!.content!
  t.same(Object.keys(analyze).sort(), ['application/json', 'application/jsonl', 'application/x-ndjson', 'text/event-stream'])
  const batchMedia = doc.paths['/analyze/batch']!.post!.responses['200']!.content!
  t.same(Object.keys(batchMedia).sort(), ['application/json', 'application/jsonl', 'application/x-ndjson', 'text/event-stream'])
  // The NDJSON examples are lines of the declared schemas too.
  for (const media of [analyze['application/x-ndjson']!, batchMedia['application/x-ndjson']!]) {
    const validate = ajv.compile(media.schema)
    for (const line of String((media as { example?: string }).example).trimEnd().split('\n')) t.ok(validate(JSON.parse(line)), `example line ${line.slice(0, 40)}…`)
  }
  built.upstream.script('ner', { kind: 'status', status: 500 })
  const post = (url: string, payload: unknown, accept: string) => built.app.inject({ method: 'POST', url, payload: payload as string, headers: { 'content-type': 'application/json', accept } })
  for (const accept of ['application/x-ndjson', 'application/jsonl', 'text/event-stream']) {
    conforms(t, doc, '/analyze', 'post', await post('/analyze', { text: `Ada met Babbage. ${accept}` }, accept))
    conforms(t, doc, '/analyze', 'post', await post('/analyze', { text: `Ada met Babbage. ${accept}`, require: ['entities'] }, accept))
  }
  const items = [{ id: 'a', text: 'Ada met Babbage.' }, { id: 'b', text: ' ' }, { id: 7, text: 'Ada met Babbage again.', require: ['entities'] }]
  for (const accept of ['application/x-ndjson', 'application/jsonl', 'application/json', 'text/event-stream']) {
    conforms(t, doc, '/analyze/batch', 'post', await post('/analyze/batch', { items }, accept))
  }
  conforms(t, doc, '/analyze/batch', 'post', await post('/analyze/batch', { items: 'no' }, '*/*'))
  const large = await post('/analyze/batch', { items: [{ text: 'x'.repeat(150) }, { text: 'y'.repeat(51) }] }, '*/*')
  t.equal(large.statusCode, 413)
  conforms(t, doc, '/analyze/batch', 'post', large)
})

t.test('the answers of client keys and limits match the document too', async (t) => {
  const { keyEntry } = await import('../src/clients/keys.js')
  const built = await build(t, { API_KEYS: keyEntry('alice', 'sk-a'), RATE_LIMIT_PER_MIN: 1 })
  const doc = await fetchDoc(built)
  const post = (headers: Record<string, string>) => built.app.inject({ method: 'POST', url: '/analyze', payload: { text: 'Ada wrote. Babbage built.' }, headers })
  conforms(t, doc, '/analyze', 'post', await post({}))
  conforms(t, doc, '/analyze', 'post', await post({ 'x-api-key': 'sk-a' }))
  const limited = await post({ 'x-api-key': 'sk-a' })
  t.equal(limited.statusCode, 429)
  conforms(t, doc, '/analyze', 'post', limited)
  t.match(JSON.stringify(doc.paths['/analyze']!.post), /"security"/, 'the operation names its security schemes')
  // The metrics behind a key of their own: the 401 and the security are in the document.
  const metrics = await build(t, { METRICS_KEY: 'a'.repeat(64) })
  const metricsDoc = await fetchDoc(metrics)
  const refused = await metrics.app.inject('/metrics')
  t.equal(refused.statusCode, 401)
  conforms(t, metricsDoc, '/metrics', 'get', refused)
  t.match(JSON.stringify(metricsDoc.paths['/metrics']!.get), /"security"/)
})

t.test('the health and problem routes answer as declared', async (t) => {
  const built = await build(t)
  const doc = await fetchDoc(built)
  conforms(t, doc, '/health/live', 'get', await built.app.inject('/health/live'))
  conforms(t, doc, '/health/ready', 'get', await built.app.inject('/health/ready'))
  conforms(t, doc, '/healthz', 'get', await built.app.inject('/healthz'))
  built.app.readiness.drain()
  const draining = await built.app.inject('/health/ready')
  t.equal(draining.statusCode, 503)
  conforms(t, doc, '/health/ready', 'get', draining)
  conforms(t, doc, '/problems', 'get', await built.app.inject('/problems'))
  conforms(t, doc, '/problems/{slug}', 'get', await built.app.inject('/problems/upstream-timeout'))
  conforms(t, doc, '/problems/{slug}', 'get', await built.app.inject('/problems/nope'))
  conforms(t, doc, '/metrics', 'get', await built.app.inject('/metrics'))
})

t.test('GET /docs serves Swagger UI from the package, and /problems lists every code with when and what to do', async (t) => {
  const built = await build(t)
  const docs = await built.app.inject('/docs/')
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
  const list = (await built.app.inject('/problems')).json() as Array<{ code: string, status: number, description: string, advice: string }>
  t.ok(list.length >= 19)
  t.ok(list.every((p) => p.description.length > 10 && p.advice.length > 5), 'each says when it happens and what to do')
  t.match(list.find((p) => p.code === 'PARTS_FAILED'), { status: 502 })
})
