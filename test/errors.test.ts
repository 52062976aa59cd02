// Every error status the service answers with, as an RFC 9457 problem document that names the cause.
import { connect } from 'node:net'
import t from 'tap'
import type { Test } from 'tap'
import { request } from 'undici'
import { build, post } from './helpers/build.js'

function assertProblem (t: Test, res: { status: number, headers: Record<string, any>, body: any }, status: number, code: string, detail: RegExp): void {
  t.equal(res.status, status, `status ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.body, { status, code, type: String, title: String, requestId: String })
  t.match(res.body.detail, detail)
  t.equal(res.headers['x-request-id'], res.body.requestId)
}

t.test('400 INVALID_JSON for a body that is not JSON', async (t) => {
  const { analyze } = await build(t)
  assertProblem(t, await analyze('{"text": "unterminated'), 400, 'INVALID_JSON', /not valid JSON/)
  assertProblem(t, await analyze(''), 400, 'INVALID_JSON', /empty/)
})

t.test('400 VALIDATION_FAILED names the field and the limit', async (t) => {
  const { analyze, upstream } = await build(t, { MAX_TEXT_CHARS: 100 })
  assertProblem(t, await analyze({}), 400, 'VALIDATION_FAILED', /^text is required$/)
  assertProblem(t, await analyze({ text: '   \n\t ' }), 400, 'VALIDATION_FAILED', /^text must not be empty or blank$/)
  assertProblem(t, await analyze({ text: '' }), 400, 'VALIDATION_FAILED', /^text must not be empty or blank$/)
  assertProblem(t, await analyze({ text: 'x'.repeat(101) }), 400, 'VALIDATION_FAILED', /^text must be at most 100 characters$/)
  assertProblem(t, await analyze({ text: 42 }), 400, 'VALIDATION_FAILED', /^text must be a string$/)
  assertProblem(t, await analyze({ text: 'hi', extra: 1 }), 400, 'VALIDATION_FAILED', /unknown field "extra"/)
  assertProblem(t, await analyze([1, 2]), 400, 'VALIDATION_FAILED', /^body must be a JSON object$/)
  assertProblem(t, await analyze({ text: 'hi', parts: ['summary', 'sentiment'] }), 400, 'VALIDATION_FAILED', /^parts\[1\] must be one of summary, entities, mostCommonPhrases$/)
  assertProblem(t, await analyze({ text: 'hi', parts: ['summary'], require: ['entities'] }), 400, 'VALIDATION_FAILED', /require names "entities", which is not in parts/)
  assertProblem(t, await analyze({ text: 'hi', timeoutMs: 0 }), 400, 'VALIDATION_FAILED', /^timeoutMs must be at least 1$/)
  assertProblem(t, await analyze({ text: 'hi' }, { 'request-timeout-ms': 'soon' }), 400, 'VALIDATION_FAILED', /Request-Timeout-Ms must be a whole number/)
  // One rule, stated truly: the header and the body field both take 1 to REQUEST_TIMEOUT_MS.
  assertProblem(t, await analyze({ text: 'hi' }, { 'request-timeout-ms': '99999999' }), 400, 'VALIDATION_FAILED', /^header Request-Timeout-Ms must be a whole number of milliseconds from 1 to 10000$/)
  assertProblem(t, await analyze({ text: 'hi', timeoutMs: 99999999 }), 400, 'VALIDATION_FAILED', /^timeoutMs must be at most 10000$/)
  t.equal(upstream.calls.length, 0, 'nothing invalid reached the upstream')
})

t.test('__proto__ and constructor keys are refused by validation, at the top level and inside arrays', async (t) => {
  const { analyze, upstream } = await build(t)
  assertProblem(t, await analyze('{"text": "hi", "__proto__": {"polluted": true}}'), 400, 'VALIDATION_FAILED', /unknown field "__proto__"/)
  assertProblem(t, await analyze('{"text": "hi", "constructor": {"prototype": {"polluted": true}}}'), 400, 'VALIDATION_FAILED', /unknown field "constructor"/)
  assertProblem(t, await analyze('{"text": "hi", "parts": [{"__proto__": {}}]}'), 400, 'VALIDATION_FAILED', /^parts\[0\] must be a string$/)
  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype was touched')
  t.equal(upstream.calls.length, 0)
})

t.test('a text at exactly the limit is accepted, counted in characters not bytes', async (t) => {
  const { analyze } = await build(t, { MAX_TEXT_CHARS: 100 })
  const res = await analyze({ text: 'é'.repeat(100) })
  t.equal(res.status, 200)
})

t.test('413 BODY_TOO_LARGE is answered as a document, not a connection reset', async (t) => {
  const { url, client } = await build(t, { MAX_TEXT_CHARS: 1000 })
  // 2 MB, far over the ~16 kB body limit, declared up front.
  const res = await post(client, `${url}/analyze`, JSON.stringify({ text: 'a'.repeat(2_000_000) }))
  assertProblem(t, res, 413, 'BODY_TOO_LARGE', /^the request body exceeds 16096 bytes; text may be at most MAX_TEXT_CHARS \(1000\) characters$/)
  t.equal(res.headers.connection, 'close')
})

t.test('413 also for a chunked body that grows past the limit while streaming', async (t) => {
  const { url } = await build(t, { MAX_TEXT_CHARS: 1000 })
  const port = Number(new URL(url).port)
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write('POST /analyze HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n')
  const chunk = 'a'.repeat(4096)
  for (let i = 0; i < 8; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)
  socket.write('0\r\n\r\n')
  let answer = ''
  socket.on('data', (d) => { answer += d })
  const closed = await new Promise<string>((resolve) => {
    socket.once('close', () => resolve('close'))
    socket.once('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`))
  })
  t.equal(closed, 'close', 'no reset')
  t.match(answer, /^HTTP\/1\.1 413 /)
  t.match(answer, /"code":"BODY_TOO_LARGE"/)
})

t.test('415 UNSUPPORTED_MEDIA_TYPE for text/plain and other non-JSON bodies', async (t) => {
  const { url, client } = await build(t)
  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
    const res = await post(client, `${url}/analyze`, 'text=hello', { 'content-type': type })
    assertProblem(t, res, 415, 'UNSUPPORTED_MEDIA_TYPE', new RegExp(type.replace('/', '\\/')))
  }
})

t.test('404 NOT_FOUND for an unknown route, 405 METHOD_NOT_ALLOWED with Allow for a wrong method', async (t) => {
  const { url, client } = await build(t)
  const notFound = await request(`${url}/nope`, { dispatcher: client })
  assertProblem(t, { status: notFound.statusCode, headers: notFound.headers, body: await notFound.body.json() }, 404, 'NOT_FOUND', /GET \/nope/)
  const wrong = await request(`${url}/analyze?x=1`, { dispatcher: client, method: 'GET' })
  assertProblem(t, { status: wrong.statusCode, headers: wrong.headers, body: await wrong.body.json() }, 405, 'METHOD_NOT_ALLOWED', /use POST/)
  t.equal(wrong.headers.allow, 'POST')
})

t.test('502 UPSTREAM_ERROR when every part fails upstream, with the parts still reported', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'status', status: 500 })
  const res = await built.analyze({ text: 'hello there' })
  assertProblem(t, res, 502, 'UPSTREAM_ERROR', /every requested part failed/)
  for (const part of ['summary', 'entities', 'mostCommonPhrases']) {
    t.match(res.body.parts[part], { status: 'error', code: 'UPSTREAM_ERROR', upstreamStatus: 500, attempts: 1 })
  }
  t.match(res.headers['server-timing'], /summary;dur=[\d.]+;desc="UPSTREAM_ERROR"/)
})

t.test('504 UPSTREAM_TIMEOUT when the upstream does not answer within the deadline', async (t) => {
  const built = await build(t, { REQUEST_TIMEOUT_MS: 300 })
  built.upstream.script('*', { kind: 'hang' })
  const started = performance.now()
  const res = await built.analyze({ text: 'hello there' })
  const elapsed = performance.now() - started
  assertProblem(t, res, 504, 'UPSTREAM_TIMEOUT', /300 ms deadline/)
  t.ok(elapsed >= 290 && elapsed < 1000, `answered at the deadline (${Math.round(elapsed)} ms)`)
})

t.test('the problem type URIs resolve to a description', async (t) => {
  const { url, client } = await build(t)
  const res = await request(`${url}/problems/upstream-timeout`, { dispatcher: client })
  t.equal(res.statusCode, 200)
  t.match(await res.body.json(), {
    type: '/problems/upstream-timeout',
    code: 'UPSTREAM_TIMEOUT',
    status: 504,
    title: 'The upstream did not answer within the deadline',
    description: /deadline .* passed while an upstream call was in flight/,
    advice: /Retry/,
  })
})
