// POST /analyze/batch: items answered as they complete, bad items alone, a fair share of permits, backpressure and cancellation.
import t from 'tap'
import type { Test } from 'tap'
import { request } from 'undici'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'
import { watchLeaks } from './helpers/leaks.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
let n = 0
const text = (): string => `Ada Lovelace wrote the first program. Charles Babbage built engine number ${++n}.`

async function batch (built: Built, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return request(`${built.url}/analyze/batch`, {
    dispatcher: built.client,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  })
}

function lines (text: string): any[] {
  t.ok(text.endsWith('\n'), 'the answer ends with a whole line')
  return text.trimEnd().split('\n').map((l) => JSON.parse(l))
}

t.test('200 items with a few bad ones: 200 lines, each index once, the bad ones failing alone, then the summary', async (t) => {
  const built = await build(t, { MAX_TEXT_CHARS: 100 })
  const items: unknown[] = Array.from({ length: 200 }, (_, i) => ({ id: `a${i}`, text: text() }))
  const bad: Record<number, RegExp> = {
    7: /^items\[7\]\.text must not be empty or blank$/,
    50: /^items\[50\]\.text must be at most 100 characters$/,
    99: /^items\[99\]\.parts\[0\] must be one of summary, entities, mostCommonPhrases$/,
    120: /^require names "entities", which is not in parts$/,
    150: /^items\[150\] must be a JSON object$/,
    151: /^items\[151\]\.text is required$/,
  }
  items[7] = { id: 'a7', text: '  ' }
  items[50] = { id: 'a50', text: 'x'.repeat(101) }
  items[99] = { id: 'a99', text: text(), parts: ['sentiment'] }
  items[120] = { id: 'a120', text: text(), parts: ['summary'], require: ['entities'] }
  items[150] = 'not an item'
  items[151] = { id: 'a151', txt: 'typo' }
  const res = await batch(built, { items }, { }, undefined)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/x-ndjson/, 'NDJSON by default')
  const all = lines(await res.body.text())
  t.equal(all.length, 201)
  const summary = all.pop()
  t.same(all.map((l) => l.index).sort((a, b) => a - b), items.map((_, i) => i), 'every item exactly once')
  for (const line of all) {
    if (bad[line.index] !== undefined) {
      t.match(line, { status: 400, problem: { code: 'VALIDATION_FAILED', status: 400, detail: bad[line.index] } }, `item ${line.index} failed alone`)
    } else {
      t.match(line, { id: `a${line.index}`, status: 200, analysis: { partial: false, summary: String } })
      t.equal(line.analysis.summary, (items[line.index] as { text: string }).text.split('. ')[0], `item ${line.index} has its own analysis`)
    }
  }
  t.notOk('id' in all.find((l) => l.index === 150), 'an item without an id has none on its line')
  t.match(summary, { done: true, items: 200, outcomes: { ok: 194, partial: 0, failed: 6 }, codes: { VALIDATION_FAILED: 6 }, durationMs: Number, requestId: res.headers['x-request-id'] })
  t.equal(built.upstream.calls.length, 194 * 3, 'each valid item made its three calls, the bad ones none')
})

t.test('Accept: application/json answers one array in input order; a failed part makes its item partial', async (t) => {
  const built = await build(t)
  built.upstream.script('ner', { kind: 'status', status: 500 })
  const items = [{ id: 'x', text: text() }, { id: 'y', text: ' ' }, { id: 'z', text: text(), require: ['entities'] }]
  const res = await batch(built, { items }, { accept: 'application/json' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.headers.vary, 'Accept')
  const answer = await res.body.json() as any[]
  t.same(answer.map((l) => l.id), ['x', 'y', 'z'])
  t.match(answer[0], { index: 0, status: 200, analysis: { partial: true, entities: null, parts: { entities: { status: 'error', code: 'UPSTREAM_ERROR' } } } })
  t.match(answer[1], { index: 1, status: 400, problem: { code: 'VALIDATION_FAILED' } })
  t.match(answer[2], { index: 2, status: 502, problem: { code: 'UPSTREAM_ERROR', parts: { entities: { status: 'error' } } } })
})

t.test('a malformed batch is one problem document: not an array 400, too many items 400, too much text 413', async (t) => {
  const built = await build(t, { MAX_BATCH_ITEMS: 5, MAX_BATCH_CHARS: 100, MAX_BATCH_TIMEOUT_MS: 20_000 })
  const cases: Array<[unknown, number, string, RegExp]> = [
    [{ items: { text: 'a' } }, 400, 'VALIDATION_FAILED', /^items must be an array$/],
    [{ items: [] }, 400, 'VALIDATION_FAILED', /^items must name at least 1 item$/],
    [{ items: Array.from({ length: 6 }, () => ({ text: 'a' })) }, 400, 'VALIDATION_FAILED', /^items must hold at most 5 items$/],
    [{ items: [{ text: 'x'.repeat(60) }, { text: 'y'.repeat(41) }] }, 413, 'BATCH_TOO_LARGE', /101 characters, more than MAX_BATCH_CHARS \(100\)/],
    [{ items: [{ text: 'a' }], timeoutMs: 20_001 }, 400, 'VALIDATION_FAILED', /^timeoutMs must be at most 20000$/],
  ]
  for (const [body, status, code, detail] of cases) {
    const res = await batch(built, body)
    t.equal(res.statusCode, status, code)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(await res.body.json(), { code, detail })
  }
  const res = await batch(built, { items: [{ text: 'a' }] }, { 'request-timeout-ms': '20001' })
  t.match(await res.body.json(), { code: 'VALIDATION_FAILED', detail: /from 1 to 20000/ })
  t.equal(built.upstream.calls.length, 0)
})

t.test('each item has the request deadline from its own start; Request-Timeout-Ms may raise it for a batch', async (t) => {
  const built = await build(t, { REQUEST_TIMEOUT_MS: 300 })
  // Slower than REQUEST_TIMEOUT_MS + 1 s: the Agent's own stall backstop must not cut a batch's longer deadline.
  built.upstream.script('*', { kind: 'ok', delayMs: 1600 })
  let res = await batch(built, { items: [{ text: text(), parts: ['summary'] }] })
  t.match(lines(await res.body.text())[0], { status: 504, problem: { code: 'UPSTREAM_TIMEOUT' } })
  res = await batch(built, { items: [{ text: text(), parts: ['summary'] }, { text: text(), parts: ['summary'] }] }, { 'request-timeout-ms': '5000' })
  const all = lines(await res.body.text())
  t.match(all.slice(0, 2), [{ status: 200 }, { status: 200 }], 'a longer deadline than the server\'s REQUEST_TIMEOUT_MS')
  // With a single request it is refused: one rule per route, stated in the message.
  const single = await built.analyze({ text: text() }, { 'request-timeout-ms': '5000' })
  t.match(single.body, { code: 'VALIDATION_FAILED', detail: /from 1 to 300/ })
})

t.test('a MAX_BATCH_TIMEOUT_MS shorter than REQUEST_TIMEOUT_MS is each item\'s deadline by default', async (t) => {
  const built = await build(t, { REQUEST_TIMEOUT_MS: 10_000, MAX_BATCH_TIMEOUT_MS: 300 })
  built.upstream.script('*', { kind: 'ok', delayMs: 1500 })
  const res = await batch(built, { items: [{ text: text(), parts: ['summary'] }] })
  t.match(lines(await res.body.text())[0], { status: 504, problem: { code: 'UPSTREAM_TIMEOUT', detail: /300 ms deadline/ } }, 'cut at the batch\'s maximum, not after the 1.5 s call')
})

t.test('a batch holds at most its share of permits; an interactive request sent meanwhile is answered in its normal time', async (t) => {
  const built = await build(t, { UPSTREAM_CONCURRENCY: 8, UPSTREAM_ADAPTIVE: false })
  t.equal(built.app.batchLimiter.size, 4, 'half the limit by default')
  built.upstream.script('*', { kind: 'ok', delayMs: 100 })
  const res = await batch(built, { items: Array.from({ length: 80 }, () => ({ text: text() })) })
  let most = 0
  let batchDone = false
  const sampler = setInterval(() => { most = Math.max(most, built.app.batchLimiter.stats().inUse) }, 5)
  const reading = res.body.text().then((body) => { batchDone = true; return body })
  await sleep(300)
  t.ok(built.upstream.maxInFlight <= 4, `the upstream saw at most 4 of the batch's calls at once (${built.upstream.maxInFlight})`)
  const startedAt = performance.now()
  const interactive = await built.analyze({ text: text() })
  const tookMs = performance.now() - startedAt
  t.equal(interactive.status, 200)
  t.notOk(batchDone, 'the interactive request was answered while the batch was still running')
  t.ok(tookMs < 1500, `answered in ${Math.round(tookMs)} ms for a 100 ms upstream, beside a batch of 240 such calls (6 s at its share)`)
  const all = lines(await reading)
  clearInterval(sampler)
  t.equal(all.length, 81)
  t.ok(most <= 4 && most > 0, `the batch's share never exceeded 4 permits (${most})`)
  t.ok(built.upstream.maxInFlight <= 7, `the upstream never saw more than the batch's 4 and the interactive 3 (${built.upstream.maxInFlight})`)
})

/** Once the client has left: the calls in flight end, the share has every permit back, and no item starts. */
async function assertLeftCleanly (t: Test, built: Built, leaks: ReturnType<typeof watchLeaks>, items: number): Promise<void> {
  for (let i = 0; i < 200 && (built.upstream.inFlight > 0 || built.app.batchLimiter.stats().inUse > 0); i++) await sleep(10)
  t.equal(built.upstream.inFlight, 0, 'the upstream saw the batch\'s calls cancelled')
  t.equal(built.app.batchLimiter.stats().inUse, 0, 'the batch share has every permit back')
  t.equal(built.app.batchLimiter.stats().waiting, 0, 'and nobody waits on it')
  const calls = built.upstream.calls.length
  await sleep(400)
  t.equal(built.upstream.calls.length, calls, 'no item starts after the client left')
  t.ok(calls < items * 3, `${calls} of the ${items * 3} calls were made`)
  t.same(built.upstream.calls.filter((c) => c.headers['request-timeout-ms'] === '0').length, 0, 'no call was sent with no time left')
  await leaks.assertClean(t, built)
}

t.test('a client that leaves a batch cancels the rest and frees its permits', async (t) => {
  const leaks = watchLeaks(t)
  const built = await build(t, { UPSTREAM_CONCURRENCY: 8, UPSTREAM_ADAPTIVE: false })
  built.upstream.script('*', { kind: 'ok', delayMs: 200 })
  const controller = new AbortController()
  const res = await batch(built, { items: Array.from({ length: 100 }, () => ({ text: text() })) }, {}, controller.signal)
  await new Promise<void>((resolve, reject) => {
    res.body.once('data', () => resolve())
    res.body.once('error', reject)
  })
  t.ok(built.app.batchLimiter.stats().inUse > 0, 'the batch holds permits')
  controller.abort()
  await assertLeftCleanly(t, built, leaks, 100)
})

t.test('a client that leaves a JSON batch, answered only once every item is done, starts no item after it left', async (t) => {
  const leaks = watchLeaks(t)
  const built = await build(t, { UPSTREAM_CONCURRENCY: 8, UPSTREAM_ADAPTIVE: false })
  built.upstream.script('*', { kind: 'ok', delayMs: 200 })
  const controller = new AbortController()
  const answered = batch(built, { items: Array.from({ length: 60 }, () => ({ text: text() })) }, { accept: 'application/json' }, controller.signal)
    .then(() => 'answered', () => 'aborted')
  for (let i = 0; i < 500 && built.upstream.inFlight === 0; i++) await sleep(10)
  t.ok(built.app.batchLimiter.stats().inUse > 0, 'the batch holds permits')
  controller.abort()
  t.equal(await answered, 'aborted')
  await assertLeftCleanly(t, built, leaks, 60)
})

t.test('a reader that stops reading stops the work; reading again finishes the batch', async (t) => {
  const built = await build(t, { UPSTREAM_CONCURRENCY: 16, CACHE: false })
  // Each item's line carries a 100 KB summary: loopback buffers fill after a few dozen lines.
  built.upstream.script('summarize', { kind: 'ok', body: { summary: 'x'.repeat(100_000) } })
  const items = Array.from({ length: 300 }, () => ({ text: text() }))
  const res = await batch(built, { items })
  res.body.pause()
  let before = -1
  let stalled = false
  for (let i = 0; i < 60 && !stalled; i++) {
    await sleep(250)
    const now = built.upstream.calls.length
    stalled = now === before
    before = now
  }
  t.ok(stalled, `with nobody reading, the work stopped (${before} calls made)`)
  t.ok(before < 600, `at ${before} of the 900 calls`)
  res.body.resume()
  const all = lines(await res.body.text())
  t.equal(all.length, 301, 'every item once the client reads again')
  t.match(all.at(-1), { done: true, outcomes: { ok: 300 } })
})
