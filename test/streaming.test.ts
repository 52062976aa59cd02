// Streaming one analysis: NDJSON, JSON Lines and Server-Sent Events, each part as it completes, then the outcome.
import t from 'tap'
import { request } from 'undici'
import { createParser } from 'eventsource-parser'
import type { EventSourceMessage } from 'eventsource-parser'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'
import { watchLeaks } from './helpers/leaks.js'

const TEXT = 'Ada Lovelace wrote the first program. Charles Babbage built the engine.'

/** POSTs /analyze with `accept` and gives the answer's status, headers and its body as it arrives. */
async function open (built: Built, body: unknown, accept: string, signal?: AbortSignal) {
  const res = await request(`${built.url}/analyze`, {
    dispatcher: built.client,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  })
  return res
}

/** Reads NDJSON lines as they arrive, calling `each` with every parsed line before reading on. */
async function readLines (body: AsyncIterable<Buffer>, each: (line: any) => void = () => {}): Promise<any[]> {
  const lines: any[] = []
  let rest = ''
  for await (const chunk of body) {
    rest += chunk.toString('utf8')
    let nl
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = JSON.parse(rest.slice(0, nl))
      rest = rest.slice(nl + 1)
      lines.push(line)
      each(line)
    }
  }
  t.equal(rest, '', 'the stream ends with a whole line')
  return lines
}

t.test('NDJSON: each part is sent as it completes, before the slowest has finished, then the outcome', async (t) => {
  const built = await build(t)
  built.upstream.script('summarize', { kind: 'ok', delayMs: 0 })
  built.upstream.script('most_common_phrases', { kind: 'ok', delayMs: 150 })
  built.upstream.script('ner', { kind: 'ok', delayMs: 1500 })
  const res = await open(built, { text: TEXT }, 'application/x-ndjson')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/x-ndjson; charset=utf-8$/)
  t.equal(res.headers['cache-control'], 'no-store')
  t.ok(res.headers['x-request-id'])
  const nerCallsOpenAtEachLine: number[] = []
  const lines = await readLines(res.body, () => {
    nerCallsOpenAtEachLine.push(built.upstream.calls.filter((c) => c.endpoint === 'ner').length > 0 ? built.upstream.inFlight : -1)
  })
  t.same(lines.map((l) => l.part ?? 'done'), ['summary', 'mostCommonPhrases', 'entities', 'done'], 'in completion order, the outcome last')
  t.ok(nerCallsOpenAtEachLine[0]! >= 1, 'the first line arrived while the slow call was still in flight')
  t.match(lines[0], { part: 'summary', status: 'ok', data: 'Ada Lovelace wrote the first program', attempts: 1, cache: 'miss' })
  t.type(lines[0].durationMs, 'number')
  t.match(lines[2], { part: 'entities', status: 'ok', data: [{ type: 'PERSON', text: 'Ada Lovelace' }, { type: 'ORG', text: 'Acme Corp' }] })
  t.ok(lines[2].durationMs > lines[0].durationMs, 'the slow part reports the longer time')
  t.same(lines[3], { done: true, status: 200, partial: false, requestId: res.headers['x-request-id'] })
})

t.test('a failed part streams its problem; the outcome says partial, or the status the JSON answer would have had', async (t) => {
  const built = await build(t)
  built.upstream.script('ner', { kind: 'status', status: 500 })
  let res = await open(built, { text: TEXT }, 'application/x-ndjson')
  let lines = await readLines(res.body)
  const entities = lines.find((l) => l.part === 'entities')
  t.match(entities, { status: 'error', code: 'UPSTREAM_ERROR', upstreamStatus: 500, attempts: 1 })
  t.notOk('data' in entities, 'a failed part carries no data')
  t.same(lines.at(-1), { done: true, status: 200, partial: true, failed: ['entities'], requestId: res.headers['x-request-id'] })

  res = await open(built, { text: `${TEXT} Again.`, require: ['entities'] }, 'application/jsonl')
  t.match(res.headers['content-type'], /^application\/jsonl/)
  lines = await readLines(res.body)
  t.equal(lines.length, 4)
  t.match(lines.at(-1), { done: true, status: 502, partial: false, code: 'UPSTREAM_ERROR', type: '/problems/upstream-error', detail: /required part entities failed/ })
})

t.test('what fails before any part runs is still a problem document with its status', async (t) => {
  const built = await build(t, { UPSTREAM_CONCURRENCY: 1, UPSTREAM_QUEUE_LIMIT: 0, UPSTREAM_ADAPTIVE: false })
  let res = await open(built, { text: '   ' }, 'application/x-ndjson')
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(await res.body.json(), { code: 'VALIDATION_FAILED', detail: 'text must not be empty or blank' })

  built.upstream.script('*', { kind: 'ok', delayMs: 800 })
  const busy = built.analyze({ text: TEXT, parts: ['summary'] })
  while (built.upstream.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  res = await open(built, { text: `${TEXT} Other.` }, 'text/event-stream')
  t.equal(res.statusCode, 503, 'admission refuses before the stream starts')
  t.ok(res.headers['retry-after'])
  t.match(await res.body.json(), { code: 'OVERLOADED' })
  t.equal((await busy).status, 200)
})

t.test('Server-Sent Events: typed events with increasing ids, parsed by a real SSE parser', async (t) => {
  const built = await build(t)
  built.upstream.script('ner', { kind: 'ok', delayMs: 100 })
  const res = await open(built, { text: TEXT, parts: ['summary', 'entities'] }, 'text/event-stream')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/event-stream/)
  t.equal(res.headers['x-accel-buffering'], 'no')
  const events: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (e) => events.push(e) })
  for await (const chunk of res.body) parser.feed(chunk.toString('utf8'))
  t.same(events.map((e) => e.event), ['part', 'part', 'done'])
  t.same(events.map((e) => e.id), ['1', '2', '3'])
  const data = events.map((e) => JSON.parse(e.data))
  t.same(data.slice(0, 2).map((d) => d.part), ['summary', 'entities'])
  t.match(data[2], { done: true, status: 200, partial: false })
})

t.test('without a streaming Accept the JSON answer is unchanged', async (t) => {
  const built = await build(t)
  for (const accept of ['application/json', '*/*', 'text/html', 'application/json, application/x-ndjson;q=0.5']) {
    const res = await built.analyze({ text: TEXT }, { accept })
    t.equal(res.status, 200, accept)
    t.match(res.headers['content-type'], /^application\/json/, accept)
    t.match(res.body, { summary: String, partial: false })
    t.equal(res.headers.vary, 'Accept', 'the answer says it varies with Accept')
  }
  const res = await built.analyze({ text: TEXT }, { accept: 'application/json;q=0.1, application/x-ndjson' })
  t.match(res.headers['content-type'], /^application\/x-ndjson/, 'q-values decide')
  t.equal(res.headers.vary, 'Accept', 'and so does the stream')
})

t.test('a client that leaves mid-stream cancels the parts still running; nothing leaks', async (t) => {
  const leaks = watchLeaks(t)
  const built = await build(t)
  built.upstream.script('summarize', { kind: 'ok' })
  built.upstream.script('ner', { kind: 'hang' })
  built.upstream.script('most_common_phrases', { kind: 'hang' })
  const controller = new AbortController()
  const res = await open(built, { text: TEXT }, 'application/x-ndjson', controller.signal)
  const first = await new Promise<any>((resolve, reject) => {
    res.body.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString('utf8').split('\n')[0]!)))
    res.body.once('error', reject)
  })
  t.match(first, { part: 'summary', status: 'ok' })
  // The three calls start together, but beside a CPU hog the summary came back before the second hanging
  // call had reached the upstream: wait for both to arrive (they never return) before leaving.
  for (let i = 0; i < 500 && built.upstream.inFlight < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(built.upstream.inFlight, 2, 'two calls still in flight')
  controller.abort()
  for (let i = 0; i < 200 && built.upstream.inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(built.upstream.inFlight, 0, 'the upstream saw both calls cancelled')
  await leaks.assertClean(t, built)
})

t.test('a stream answers 200 with its headers at once, before any part has finished', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'hang' })
  for (const accept of ['application/x-ndjson', 'text/event-stream']) {
    const controller = new AbortController()
    const before = built.upstream.calls.length
    // The status arrives while every call is still in flight (a hanging upstream: nothing can finish).
    const res = await open(built, { text: `${TEXT} ${accept}`, timeoutMs: 8000 }, accept, controller.signal)
    t.equal(res.statusCode, 200, accept)
    t.match(res.headers['content-type'], accept)
    t.equal(built.app.upstream.limiter.stats().inUse, 3, 'every call still holds its permit: none has ended')
    while (built.upstream.calls.length < before + 3) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    await res.body.dump().catch(() => {})
    while (built.app.upstream.limiter.stats().inUse > 0) await new Promise((resolve) => setTimeout(resolve, 5))
  }
})
