// Fault injection against real servers on loopback: every misbehaviour ends in a stable code, on time, leak-free.
import t from 'tap'
import { request } from 'undici'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'
import type { Behaviour } from './helpers/fake-upstream.js'
import { watchLeaks } from './helpers/leaks.js'

const TEXT = 'Ada Lovelace worked with Charles Babbage. She wrote the first program.'
const PARTS = ['summary', 'entities', 'mostCommonPhrases'] as const

// Each request a text of its own unless a test says otherwise, so neither the cache nor coalescing answers for the upstream.
let sent = 0
const unique = (): { text: string } => ({ text: `${TEXT} Request ${++sent}.` })

async function timed (built: Built, body: unknown = unique(), headers: Record<string, string> = {}) {
  const started = performance.now()
  const res = await built.analyze(body, headers)
  return { ...res, ms: performance.now() - started }
}

interface AllFailCase { name: string, behaviour: Behaviour, env?: Record<string, unknown>, status: number, code: string, attempts: number, maxMs: number, minMs?: number }

const allFail: AllFailCase[] = [
  { name: 'slow headers past the deadline', behaviour: { kind: 'ok', delayMs: 2000 }, env: { REQUEST_TIMEOUT_MS: 250 }, status: 504, code: 'UPSTREAM_TIMEOUT', attempts: 1, minMs: 240, maxMs: 800 },
  { name: 'a slow body past the deadline', behaviour: { kind: 'slow-body', chunkDelayMs: 200, chunks: 5 }, env: { REQUEST_TIMEOUT_MS: 250 }, status: 504, code: 'UPSTREAM_TIMEOUT', attempts: 1, minMs: 240, maxMs: 800 },
  { name: 'a hang', behaviour: { kind: 'hang' }, env: { REQUEST_TIMEOUT_MS: 250 }, status: 504, code: 'UPSTREAM_TIMEOUT', attempts: 1, minMs: 240, maxMs: 800 },
  { name: 'a reset mid-body (retried, then given up)', behaviour: { kind: 'reset-mid-body' }, status: 502, code: 'UPSTREAM_UNAVAILABLE', attempts: 3, maxMs: 1500 },
  { name: 'a 500 (not retried)', behaviour: { kind: 'status', status: 500 }, status: 502, code: 'UPSTREAM_ERROR', attempts: 1, maxMs: 500 },
  { name: 'an HTML error page', behaviour: { kind: 'html', status: 502 }, status: 502, code: 'UPSTREAM_ERROR', attempts: 3, maxMs: 1500 },
  { name: 'an HTML page with 200', behaviour: { kind: 'html', status: 200 }, status: 502, code: 'UPSTREAM_BAD_RESPONSE', attempts: 1, maxMs: 500 },
  { name: 'broken JSON', behaviour: { kind: 'broken-json' }, status: 502, code: 'UPSTREAM_BAD_RESPONSE', attempts: 1, maxMs: 500 },
  { name: 'JSON of the wrong shape', behaviour: { kind: 'wrong-shape' }, status: 502, code: 'UPSTREAM_BAD_RESPONSE', attempts: 1, maxMs: 500 },
  { name: 'a huge body', behaviour: { kind: 'huge-body', bytes: 50 * 1024 * 1024 }, env: { UPSTREAM_MAX_RESPONSE_BYTES: 256 * 1024 }, status: 502, code: 'UPSTREAM_BAD_RESPONSE', attempts: 1, maxMs: 1500 },
  { name: 'a socket destroyed without an answer', behaviour: { kind: 'destroy' }, status: 502, code: 'UPSTREAM_UNAVAILABLE', attempts: 3, maxMs: 1500 },
]

for (const c of allFail) {
  t.test(`all parts fail on ${c.name}: ${c.status} ${c.code}`, async (t) => {
    const built = await build(t, c.env)
    const leaks = watchLeaks(t)
    built.upstream.script('*', c.behaviour)
    const res = await timed(built)
    t.equal(res.status, c.status)
    t.equal(res.body.code, c.code)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    for (const part of PARTS) t.match(res.body.parts[part], { status: 'error', code: c.code, attempts: c.attempts })
    t.ok(res.ms < c.maxMs, `answered in ${Math.round(res.ms)} ms (< ${c.maxMs})`)
    if (c.minMs !== undefined) t.ok(res.ms >= c.minMs, `not before the deadline (${Math.round(res.ms)} ms)`)
    await leaks.assertClean(t, built)
  })
}

t.test('a 503 then success is retried and reported with its attempts', async (t) => {
  const built = await build(t)
  const leaks = watchLeaks(t)
  built.upstream.script('ner', { kind: 'status', status: 503 }, { kind: 'ok' })
  const res = await timed(built)
  t.equal(res.status, 200)
  t.equal(res.body.partial, false)
  t.match(res.body.parts.entities, { status: 'ok', attempts: 2 })
  t.match(res.body.parts.summary, { status: 'ok', attempts: 1 })
  t.equal(built.upstream.count('ner'), 2)
  t.ok(res.ms < 500, `retried within one short backoff (${Math.round(res.ms)} ms)`)
  await leaks.assertClean(t, built)
})

t.test('a 429 with Retry-After is honoured, and pauses that endpoint for every caller', async (t) => {
  const built = await build(t)
  const leaks = watchLeaks(t)
  built.upstream.script('summarize', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'ok' })
  const first = timed(built)
  // Once the 429 has paused the endpoint (not after a fixed time, which a busy machine can outrun)...
  while (built.app.upstream.pauses.remainingMs('summarize') === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  const pausedFor = built.app.upstream.pauses.remainingMs('summarize')
  // ...a second request during the pause does not call summarize at all until the pause ends.
  const second = timed(built, { ...unique(), parts: ['summary'] })
  const [a, b] = await Promise.all([first, second])
  t.equal(a.status, 200)
  t.match(a.body.parts.summary, { status: 'ok', attempts: 2 })
  t.ok(a.ms >= 950 && a.ms < 2500, `the first waited out Retry-After (${Math.round(a.ms)} ms)`)
  t.equal(b.status, 200)
  t.ok(b.ms >= pausedFor - 100, `the second waited for the pause too (${Math.round(b.ms)} ms of the ${Math.round(pausedFor)} ms left)`)
  t.equal(built.upstream.count('summarize'), 3, 'one 429, then one call each after the pause')
  await leaks.assertClean(t, built)
})

t.test('a 429 whose Retry-After does not fit the deadline fails fast as RATE_LIMITED with Retry-After', async (t) => {
  const built = await build(t, { REQUEST_TIMEOUT_MS: 2000 })
  built.upstream.script('*', { kind: 'status', status: 429, headers: { 'retry-after': '30' } })
  const res = await timed(built)
  t.equal(res.status, 503)
  t.equal(res.body.code, 'RATE_LIMITED')
  t.equal(res.headers['retry-after'], '30')
  t.match(res.body.parts.summary, { status: 'error', code: 'RATE_LIMITED', upstreamStatus: 429, retryAfterMs: 30000, attempts: 1 })
  t.ok(res.ms < 500, `did not wait (${Math.round(res.ms)} ms)`)
  const again = await timed(built)
  t.equal(again.body.parts.summary.code, 'RATE_LIMITED')
  t.equal(built.upstream.count('summarize'), 1, 'the paused endpoint was not called again')
})

t.test('connection refused (upstream down) is UPSTREAM_UNAVAILABLE after bounded retries', async (t) => {
  const built = await build(t)
  const leaks = watchLeaks(t)
  await built.upstream.stop()
  const res = await timed(built)
  t.equal(res.status, 502)
  t.equal(res.body.code, 'UPSTREAM_UNAVAILABLE')
  for (const part of PARTS) t.match(res.body.parts[part], { status: 'error', code: 'UPSTREAM_UNAVAILABLE', attempts: 3 })
  t.ok(res.ms < 1000, `gave up quickly (${Math.round(res.ms)} ms)`)
  await leaks.assertClean(t, built)
})

t.test('one endpoint failing while the others answer gives a partial 200', async (t) => {
  const built = await build(t)
  const leaks = watchLeaks(t)
  built.upstream.script('ner', { kind: 'status', status: 500 })
  const res = await timed(built)
  t.equal(res.status, 200)
  t.equal(res.body.partial, true)
  t.equal(res.headers['partial-response'], 'entities')
  t.equal(res.body.entities, null)
  t.type(res.body.summary, 'string')
  t.match(res.body.parts.entities, { status: 'error', code: 'UPSTREAM_ERROR', upstreamStatus: 500 })
  t.match(res.headers['server-timing'], /entities;dur=[\d.]+;desc="UPSTREAM_ERROR"/)
  t.ok(res.ms < 500, `answered without waiting on the failed part (${Math.round(res.ms)} ms)`)
  await leaks.assertClean(t, built)
})

t.test('a required part that fails fails the request, with the others still reported', async (t) => {
  const built = await build(t)
  built.upstream.script('ner', { kind: 'status', status: 500 })
  const res = await timed(built, { ...unique(), require: ['entities'] })
  t.equal(res.status, 502)
  t.equal(res.body.code, 'UPSTREAM_ERROR')
  t.match(res.body.detail, /required part entities failed/)
  t.match(res.body.parts.summary, { status: 'ok' })
  t.ok(res.ms < 500, `failed fast (${Math.round(res.ms)} ms)`)
})

t.test('a client deadline (header or body) shortens the server one and travels upstream', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 1000 })
  const viaHeader = await timed(built, unique(), { 'request-timeout-ms': '200' })
  t.equal(viaHeader.status, 504)
  t.ok(viaHeader.ms >= 190 && viaHeader.ms < 700, `header deadline honoured (${Math.round(viaHeader.ms)} ms)`)
  const viaBody = await timed(built, { ...unique(), timeoutMs: 150 })
  t.equal(viaBody.status, 504)
  t.ok(viaBody.ms >= 140 && viaBody.ms < 650, `body deadline honoured (${Math.round(viaBody.ms)} ms)`)
  const sent = Number(built.upstream.calls.at(-1)!.headers['request-timeout-ms'])
  t.ok(sent > 0 && sent <= 150, `the remaining budget went upstream (${sent} ms)`)
})

t.test('time waiting for a permit counts against the deadline: DEADLINE_EXCEEDED, not a late answer', async (t) => {
  const built = await build(t, { UPSTREAM_CONCURRENCY: 1, REQUEST_TIMEOUT_MS: 400 })
  const leaks = watchLeaks(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 300 })
  // One permit, 300 ms calls, 400 ms deadline: the first call succeeds, the second is cut off in
  // flight, the third never gets a permit.
  const res = await timed(built)
  t.equal(res.status, 200)
  t.equal(res.body.partial, true)
  const codes = PARTS.map((p) => res.body.parts[p].status === 'ok' ? 'ok' : res.body.parts[p].code).sort()
  t.same(codes, ['DEADLINE_EXCEEDED', 'UPSTREAM_TIMEOUT', 'ok'])
  t.ok(res.ms >= 390 && res.ms < 800, `answered at the deadline (${Math.round(res.ms)} ms)`)
  await leaks.assertClean(t, built)
})

t.test('a client aborting mid-request cancels its upstream calls and frees their permits at once', async (t) => {
  const built = await build(t, { UPSTREAM_CONCURRENCY: 3 })
  const leaks = watchLeaks(t)
  built.upstream.script('*', { kind: 'hang' })
  const controller = new AbortController()
  const pending = request(`${built.url}/analyze`, {
    dispatcher: built.client,
    method: 'POST',
    signal: controller.signal,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: TEXT }),
  }).catch((err: Error) => err)
  while (built.upstream.inFlight < 3) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(built.app.upstream.limiter.stats().inUse, 3)
  controller.abort()
  t.type(await pending, Error)
  const started = performance.now()
  while (built.app.upstream.limiter.stats().inUse > 0 && performance.now() - started < 1000) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(built.app.upstream.limiter.stats().inUse, 0, `permits freed in ${Math.round(performance.now() - started)} ms`)
  while (built.upstream.inFlight > 0 && performance.now() - started < 1000) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(built.upstream.inFlight, 0, 'the upstream saw its calls cancelled')
  await leaks.assertClean(t, built)
})

t.test('the circuit opens on a failure rate once enough calls were seen, fails fast, then probes and closes', async (t) => {
  const built = await build(t, { BREAKER_MIN_CALLS: 6, BREAKER_HALF_OPEN_AFTER_MS: 400, UPSTREAM_MAX_ATTEMPTS: 1 })
  built.upstream.script('summarize', { kind: 'status', status: 500 })
  // Below the minimum the breaker stays closed however bad the rate.
  for (let i = 0; i < 5; i++) t.equal((await timed(built, { ...unique(), parts: ['summary'] })).body.parts.summary.code, 'UPSTREAM_ERROR')
  t.equal(built.app.upstream.guards.summary.circuitState, 'closed', 'five failures alone do not open it')
  await timed(built, { ...unique(), parts: ['summary'] })
  t.equal(built.app.upstream.guards.summary.circuitState, 'open')
  const calls = built.upstream.count('summarize')
  const fast = await timed(built)
  t.equal(fast.status, 200, 'the other parts still answer')
  t.match(fast.body.parts.summary, { status: 'error', code: 'CIRCUIT_OPEN' })
  t.ok(fast.body.parts.summary.retryAfterMs > 0 && fast.body.parts.summary.retryAfterMs <= 400, 'says when it will try again')
  t.equal(built.upstream.count('summarize'), calls, 'an open circuit does not call the upstream')
  const onlySummary = await timed(built, { ...unique(), parts: ['summary'] })
  t.equal(onlySummary.status, 503)
  t.equal(onlySummary.body.code, 'CIRCUIT_OPEN')
  t.ok(Number(onlySummary.headers['retry-after']) >= 1)
  built.upstream.script('summarize', { kind: 'ok' })
  await new Promise((resolve) => setTimeout(resolve, 450))
  const probe = await timed(built, { ...unique(), parts: ['summary'] })
  t.equal(probe.status, 200, 'the half-open probe succeeded')
  t.equal(built.app.upstream.guards.summary.circuitState, 'closed')
})

t.test('the retry budget stops an outage from multiplying the load', async (t) => {
  const built = await build(t, { UPSTREAM_MAX_ATTEMPTS: 3, UPSTREAM_RETRY_BUDGET_RATIO: 0.1, BREAKER_MIN_CALLS: 100000 })
  built.upstream.script('summarize', { kind: 'status', status: 503 })
  for (let i = 0; i < 60; i++) await built.analyze({ ...unique(), parts: ['summary'] })
  const calls = built.upstream.count('summarize')
  // Without a budget: 180 calls. With it: 60 first attempts, plus at most 10 % of them plus a floor of 3.
  t.ok(calls <= 60 + 6 + 3, `${calls} upstream calls for 60 requests`)
  t.ok(calls > 60, 'some retries were still allowed')
})

t.test('a full queue is refused at once with 503 OVERLOADED and Retry-After', async (t) => {
  const built = await build(t, { UPSTREAM_CONCURRENCY: 2, UPSTREAM_QUEUE_LIMIT: 4 })
  const leaks = watchLeaks(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 300 })
  const first = [timed(built), timed(built)]
  await new Promise((resolve) => setTimeout(resolve, 50))
  const refused = await timed(built)
  t.equal(refused.status, 503)
  t.equal(refused.body.code, 'OVERLOADED')
  t.ok(Number(refused.headers['retry-after']) >= 1, 'with Retry-After')
  // "At once" as an order, which holds on a busy machine: before the admitted ones' 300 ms call ends.
  t.ok(refused.ms < 300, `refused at once (${Math.round(refused.ms)} ms)`)
  for (const r of await Promise.all(first)) t.equal(r.status, 200, 'the admitted ones are served')
  await leaks.assertClean(t, built)
})

t.test('a cold burst is served; once measured, a request the queue cannot serve in time is shed at once', async (t) => {
  // Deadlines several times the work, so that a busy machine changes the margins, not the outcome.
  const built = await build(t, { UPSTREAM_CONCURRENCY: 4, REQUEST_TIMEOUT_MS: 3000 })
  built.upstream.script('*', { kind: 'ok', delayMs: 40 })
  // Cold: 20 requests = 60 calls, 15 waves of 40 ms = ~600 ms, well inside the deadline, and no data yet.
  const cold = await Promise.all(Array.from({ length: 20 }, () => timed(built)))
  t.same(cold.map((r) => r.status), cold.map(() => 200), 'the cold burst is served, not shed')
  // Now the hold time is measured (~40 ms): 200 requests = 600 calls = 150 waves = ~6 s, twice the deadline.
  // Without admission about half would time out.
  const callsBefore = built.upstream.calls.length
  const hot = await Promise.all(Array.from({ length: 200 }, () => timed(built)))
  const shed = hot.filter((r) => r.status === 503)
  const admitted = hot.filter((r) => r.status !== 503)
  t.ok(shed.length > 0, `${shed.length} of 200 shed`)
  t.ok(shed.every((r) => r.body.code === 'OVERLOADED' && Number(r.headers['retry-after']) >= 1), 'shed as OVERLOADED, with Retry-After')
  // "At once" as an order, which holds on a busy machine: a shed request does not wait for the queue.
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN
  const served = admitted.filter((r) => r.status === 200)
  t.ok(median(shed.map((r) => r.ms)) < median(served.map((r) => r.ms)),
    `shed sooner than served (medians ${Math.round(median(shed.map((r) => r.ms)))} and ${Math.round(median(served.map((r) => r.ms)))} ms)`)
  // By request id, not by count: an admitted request that times out while queued never calls either.
  const calledBy = new Map<unknown, number>()
  for (const call of built.upstream.calls.slice(callsBefore)) calledBy.set(call.headers['x-request-id'], (calledBy.get(call.headers['x-request-id']) ?? 0) + 1)
  t.ok(shed.every((r) => typeof r.headers['x-request-id'] === 'string' && !calledBy.has(r.headers['x-request-id'])), 'a shed request never called the upstream')
  t.ok(admitted.every((r) => r.status === 200 || r.status === 504), 'the rest are served or time out')
  // The estimate is a mean made on arrival; on a busy machine the queue can drain slower than measured,
  // so some admitted at the edge still time out. Admission must keep that a small share.
  const late = admitted.filter((r) => r.status === 504).length
  t.ok(late <= admitted.length / 5, `${late} of ${admitted.length} admitted requests timed out late`)
})

t.test('the upstream restarting during load: stable codes while it is down, full recovery after', async (t) => {
  // While the upstream is down, queued calls fail at once on the refused port, so the failure rate can
  // open the circuit; the half-open probe then closes it once the upstream is back.
  const built = await build(t, { UPSTREAM_CONCURRENCY: 8, UPSTREAM_RETRY_BASE_MS: 100, BREAKER_HALF_OPEN_AFTER_MS: 200 })
  const leaks = watchLeaks(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 10 })
  const load = Array.from({ length: 160 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i * 5)).then(() => timed(built)))
  const restarted = new Promise((resolve) => setTimeout(resolve, 150))
    .then(() => built.upstream.stop()).then(() => new Promise((resolve) => setTimeout(resolve, 60))).then(() => built.upstream.start())
  const results = await Promise.all(load)
  await restarted
  const byStatus = new Map<number, number>()
  for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1)
  t.ok(results.every((r) => [200, 502, 503].includes(r.status)), `only 200, 502 or 503: ${JSON.stringify([...byStatus])}`)
  // A request the queue could not serve in time is shed whole (503 OVERLOADED, no parts): on a busy
  // machine the backlog of the outage can do that, and it is a stable code too.
  const codes = new Set(results.flatMap((r) => r.body.parts === undefined ? [r.body.code] : PARTS.map((p) => r.body.parts[p].code).filter(Boolean)))
  t.ok([...codes].every((c) => ['UPSTREAM_UNAVAILABLE', 'CIRCUIT_OPEN', 'OVERLOADED'].includes(c)), `failures are UPSTREAM_UNAVAILABLE, CIRCUIT_OPEN or OVERLOADED: ${[...codes].join(', ')}`)
  t.ok((byStatus.get(200) ?? 0) > 0, `${byStatus.get(200)} of 160 answered in full`)
  // Recovery is judged after the restart, not at a fixed point of the load: on a busy machine the
  // restart can outlast the load, with every part failing fast on its open circuit meanwhile. The
  // half-open probe (after 200 ms) closes each circuit at the first request once the upstream is back.
  const until = performance.now() + 10_000
  while ((await timed(built)).status !== 200 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 100))
  const after = await Promise.all(Array.from({ length: 20 }, () => timed(built)))
  t.same(after.map((r) => r.status), Array(20).fill(200), 'fully recovered once the upstream is back')
  for (const p of PARTS) t.equal(built.app.upstream.guards[p].circuitState, 'closed', `${p} circuit closed again`)
  await leaks.assertClean(t, built)
})
