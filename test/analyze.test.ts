// POST /analyze against a real upstream on loopback: the combined document, concurrency, ids and the key.
import t from 'tap'
import { build, TEST_KEY } from './helpers/build.js'

const TEXT = 'Ada Lovelace worked with Charles Babbage on the Analytical Engine. She wrote the first program. Acme Corp funded nothing.'

t.test('answers with the three analyses combined and normalised', async (t) => {
  const { analyze } = await build(t)
  const res = await analyze({ text: TEXT })
  t.equal(res.status, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.body.summary, 'Ada Lovelace worked with Charles Babbage on the Analytical Engine')
  t.same(res.body.entities, [{ type: 'PERSON', text: 'Ada Lovelace' }, { type: 'ORG', text: 'Acme Corp' }])
  t.same(res.body.mostCommonPhrases, ['analytical engine', 'first program'])
  t.equal(res.body.partial, false)
  for (const part of ['summary', 'entities', 'mostCommonPhrases']) {
    t.equal(res.body.parts[part].status, 'ok', `${part} ok`)
    t.equal(res.body.parts[part].attempts, 1)
    t.type(res.body.parts[part].durationMs, 'number')
  }
  t.match(res.headers['server-timing'], /^summary;dur=[\d.]+, entities;dur=[\d.]+, mostCommonPhrases;dur=[\d.]+$/)
  t.equal(res.headers['partial-response'], undefined)
})

t.test('calls the three endpoints concurrently: the request takes about the slowest call, not the sum', async (t) => {
  const { analyze, upstream } = await build(t)
  upstream.script('*', { kind: 'ok', delayMs: 300 })
  const started = performance.now()
  const res = await analyze({ text: TEXT })
  const elapsed = performance.now() - started
  t.equal(res.status, 200)
  t.equal(upstream.maxInFlight, 3, 'all three calls were in flight at once')
  t.ok(elapsed < 850, `took ${Math.round(elapsed)} ms, well under the 900 ms sum`)
})

t.test('sends the key in the apikey header, JSON body, request id and remaining budget upstream', async (t) => {
  const { analyze, upstream } = await build(t, { REQUEST_TIMEOUT_MS: 4000 })
  const res = await analyze({ text: TEXT }, { 'x-request-id': 'client-abc.123' })
  t.equal(res.status, 200)
  t.equal(res.headers['x-request-id'], 'client-abc.123')
  t.equal(res.body.requestId, 'client-abc.123')
  t.equal(upstream.calls.length, 3)
  for (const call of upstream.calls) {
    t.equal(call.headers.apikey, TEST_KEY)
    t.equal(call.headers['content-type'], 'application/json')
    t.equal(call.headers['x-request-id'], 'client-abc.123')
    const budget = Number(call.headers['request-timeout-ms'])
    t.ok(budget > 3000 && budget <= 4000, `remaining budget ${budget} ms sent upstream`)
    t.same(JSON.parse(call.body), { text: TEXT })
  }
  t.same(upstream.calls.map((c) => c.endpoint).sort(), ['most_common_phrases', 'ner', 'summarize'])
})

t.test('replaces an insane X-Request-Id with a generated one', async (t) => {
  const { analyze } = await build(t)
  const res = await analyze({ text: TEXT }, { 'x-request-id': 'bad id with spaces\u00e9'.replace('\u00e9', '') + '!'.repeat(200) })
  t.equal(res.status, 200)
  t.match(res.body.requestId, /^[0-9a-f-]{36}$/)
  t.equal(res.headers['x-request-id'], res.body.requestId)
})

t.test('computes only the parts asked for and marks the others skipped', async (t) => {
  const { analyze, upstream } = await build(t)
  const res = await analyze({ text: TEXT, parts: ['entities'] })
  t.equal(res.status, 200)
  t.same(upstream.calls.map((c) => c.endpoint), ['ner'])
  t.equal(res.body.summary, null)
  t.equal(res.body.mostCommonPhrases, null)
  t.same(res.body.parts.summary, { status: 'skipped' })
  t.equal(res.body.parts.entities.status, 'ok')
  t.equal(res.headers['server-timing'].split(',').length, 1)
})

t.test('never writes the key to logs or error bodies', async (t) => {
  const { analyze, upstream, logs } = await build(t)
  upstream.script('*', { kind: 'status', status: 401, body: `{"error":"bad apikey ${TEST_KEY}"}` })
  const res = await analyze({ text: TEXT })
  t.equal(res.status, 502)
  t.notMatch(JSON.stringify(res.body), TEST_KEY)
  t.notMatch(JSON.stringify(res.headers), TEST_KEY)
  t.ok(logs.length > 0, 'something was logged')
  t.notMatch(logs.join(''), TEST_KEY)
})

t.test('a text with a lone surrogate is refused by name; a surrogate pair and an escaped NUL are characters like any other', async (t) => {
  const built = await build(t)
  for (const text of ['\\ud800', 'Ada \\udfff Lovelace.', 'a pair reversed \\ude00\\ud83d']) {
    const res = await built.analyze(`{"text":"${text}"}`)
    t.equal(res.status, 400, text)
    t.match(res.body, { code: 'VALIDATION_FAILED', detail: /well-formed Unicode: it holds a lone surrogate/ })
  }
  t.equal(built.upstream.calls.length, 0, 'nothing was sent upstream')
  for (const text of ['Ada \\ud83d\\ude00 Lovelace.', 'Ada\\u0000Lovelace.']) {
    t.equal((await built.analyze(`{"text":"${text}"}`)).status, 200, text)
  }
  const batch = await built.client.request({ origin: built.url, path: '/analyze/batch', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{"items":[{"text":"Fine text."},{"text":"bad \\ud800"}]}' })
  const lines = await batch.body.json() as Array<{ status: number, problem?: { code: string } }>
  t.match(lines, [{ status: 200 }, { status: 400, problem: { code: 'VALIDATION_FAILED' } }], 'a batch item with one fails alone')
})
