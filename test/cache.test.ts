// The result cache and in-flight coalescing: hits, collapsed calls, each waiter's own deadline and exit, stale-if-error, Cache-Control.
import t from 'tap'
import { request } from 'undici'
import { textDigest } from '../src/cache/keys.js'
import { build, TEST_KEY } from './helpers/build.js'
import type { Built } from './helpers/build.js'

let n = 0
const fresh = (): string => `Ada Lovelace wrote the first program. Charles Babbage built the engine. Text ${++n}.`

/** A request that the test aborts after `ms`; resolves once the abort has happened. */
function abandoned (built: Built, text: string, ms: number): Promise<void> {
  const controller = new AbortController()
  setTimeout(() => controller.abort(), ms)
  return request(`${built.url}/analyze`, {
    dispatcher: built.client,
    method: 'POST',
    signal: controller.signal,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  }).then(() => {}, () => {})
}

t.test('a repeated text is a hit for every part: no upstream call, Cache-Status hit', async (t) => {
  const built = await build(t)
  const text = fresh()
  const first = await built.analyze({ text })
  t.match(first.body.parts, { summary: { cache: 'miss' }, entities: { cache: 'miss' }, mostCommonPhrases: { cache: 'miss' } })
  t.match(first.headers['cache-status'], /^text-bff; fwd=miss; stored; detail="summary=miss entities=miss mostCommonPhrases=miss"$/)
  const second = await built.analyze({ text })
  t.equal(second.status, 200)
  t.same(second.body.summary, first.body.summary)
  t.match(second.body.parts, { summary: { status: 'ok', cache: 'hit', attempts: 0 }, entities: { cache: 'hit' }, mostCommonPhrases: { cache: 'hit' } })
  t.match(second.headers['cache-status'], /^text-bff; hit;/)
  t.match(second.headers['server-timing'], /^summary;dur=[\d.]+, entities;dur=[\d.]+, mostCommonPhrases;dur=[\d.]+$/, 'timings per part still')
  t.equal(built.upstream.calls.length, 3, 'the upstream was called once per part, for the first request only')
})

t.test('the key is the text in NFC: a decomposed spelling of the same text is a hit', async (t) => {
  const built = await build(t)
  const composed = `Zoë Brontë wrote in Montréal. ${fresh()}`
  await built.analyze({ text: composed })
  const decomposed = composed.normalize('NFD')
  t.not(decomposed, composed)
  const res = await built.analyze({ text: decomposed })
  t.match(res.body.parts.summary, { cache: 'hit' })
  t.same(JSON.parse(built.upstream.calls[0]!.body), { text: composed }, 'the upstream gets the NFC text')
})

t.test('the key depends on the upstream and the text, never on the API key', async (t) => {
  const a = textDigest('https://api.example/text', 'Same text.')
  t.equal(a, textDigest('https://api.example/text', 'Same text.'))
  t.not(a, textDigest('https://other.example/text', 'Same text.'), 'another upstream, another key')
  t.not(a, textDigest('https://api.example/text', 'Same text!'))
  t.notMatch(a, TEST_KEY)
})

t.test('50 concurrent identical requests for a new text make exactly one call per endpoint', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 500 })
  const text = fresh()
  const results = await Promise.all(Array.from({ length: 50 }, () => built.analyze({ text })))
  t.same(results.map((r) => r.status), Array(50).fill(200))
  t.same(built.upstream.calls.map((c) => c.endpoint).sort(), ['most_common_phrases', 'ner', 'summarize'])
  const statuses = results.map((r) => r.body.parts.summary.cache)
  t.equal(statuses.filter((s) => s === 'miss').length, 1, 'one request made the call')
  // On a busy machine a request may arrive after the call ended: then it is a hit, never a second call.
  const collapsed = statuses.filter((s) => s === 'collapsed').length
  t.equal(collapsed + statuses.filter((s) => s === 'hit').length, 49, 'the others joined it or found its result')
  t.ok(collapsed > 0, `${collapsed} joined the call in flight`)
  t.equal(results.filter((r) => /; collapsed;/.test(r.headers['cache-status'])).length, collapsed)
  t.ok(results.every((r) => r.body.summary === results[0]!.body.summary))
})

t.test('a waiter that leaves does not cancel the shared call; the others get their answer', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 300 })
  const text = fresh()
  const leaving = abandoned(built, text, 50)
  await new Promise((resolve) => setTimeout(resolve, 10))
  const staying = built.analyze({ text })
  await leaving
  const res = await staying
  t.equal(res.status, 200)
  t.match(res.body.parts.summary, { status: 'ok', cache: 'collapsed' })
  t.equal(built.upstream.calls.length, 3, 'one call per endpoint, shared')
})

t.test('the shared call is cancelled when its last waiter leaves, and its permits come back', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'hang' })
  const text = fresh()
  const both = [abandoned(built, text, 80), abandoned(built, text, 120)]
  while (built.upstream.inFlight < 3) await new Promise((resolve) => setTimeout(resolve, 5))
  await Promise.all(both)
  const started = performance.now()
  while (built.upstream.inFlight > 0 && performance.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(built.upstream.inFlight, 0, 'the upstream saw its calls cancelled')
  t.equal(built.upstream.calls.length, 3, 'and only one per endpoint was ever made')
  t.equal(built.app.upstream.limiter.stats().inUse, 0)
  t.equal(built.app.analyzer.fetcher.inFlight, 0, 'no flight is left behind')
})

t.test('each waiter keeps its own deadline: a short one times out while a longer one gets the shared answer', async (t) => {
  const built = await build(t)
  built.upstream.script('*', { kind: 'ok', delayMs: 400 })
  const text = fresh()
  const [short, long] = await Promise.all([built.analyze({ text, timeoutMs: 100 }), built.analyze({ text, timeoutMs: 3000 })])
  t.equal(short.status, 504)
  t.equal(short.body.code, 'UPSTREAM_TIMEOUT', 'the short one left while the shared call was in flight')
  t.equal(long.status, 200)
  t.equal(built.upstream.calls.length, 3)
})

t.test('a failure reaches every waiter with its code, and the retries happen once, in the shared call', async (t) => {
  const built = await build(t)
  built.upstream.script('summarize', { kind: 'status', status: 503, delayMs: 50 })
  const text = fresh()
  const results = await Promise.all(Array.from({ length: 5 }, () => built.analyze({ text, parts: ['summary'] })))
  t.same(results.map((r) => r.body.code), Array(5).fill('UPSTREAM_ERROR'))
  t.equal(built.upstream.count('summarize'), 3, 'three attempts in all (UPSTREAM_MAX_ATTEMPTS), not three per request')
  t.equal(results.filter((r) => r.body.parts.summary.attempts === 3).length, 1, 'the request that made the call reports its attempts')
})

t.test('stale-if-error: past its TTL an entry is served, marked stale, when the upstream fails; the answer is not partial', async (t) => {
  const built = await build(t, { CACHE_TTL_S: 1, CACHE_STALE_IF_ERROR_S: 60 })
  const text = fresh()
  const first = await built.analyze({ text })
  await new Promise((resolve) => setTimeout(resolve, 1100))
  built.upstream.script('ner', { kind: 'status', status: 500 })
  const res = await built.analyze({ text })
  t.equal(res.status, 200)
  t.equal(res.body.partial, false)
  t.same(res.body.entities, first.body.entities)
  t.match(res.body.parts, { entities: { status: 'ok', cache: 'stale' }, summary: { cache: 'miss' } })
  t.match(res.headers['cache-status'], /^text-bff; fwd=stale; stored;/)
  t.equal(built.upstream.count('ner'), 2, 'the upstream was asked first')
})

t.test('without a stale entry, a past-TTL entry is not served', async (t) => {
  const built = await build(t, { CACHE_TTL_S: 1, CACHE_STALE_IF_ERROR_S: 0 })
  const text = fresh()
  await built.analyze({ text })
  await new Promise((resolve) => setTimeout(resolve, 1100))
  built.upstream.script('ner', { kind: 'status', status: 500 })
  const res = await built.analyze({ text })
  t.equal(res.body.partial, true)
  t.match(res.body.parts.entities, { status: 'error', code: 'UPSTREAM_ERROR' })
})

t.test('Cache-Control: no-cache skips reading but stores; no-store neither reads nor stores', async (t) => {
  const built = await build(t)
  const text = fresh()
  await built.analyze({ text })
  const refreshed = await built.analyze({ text }, { 'cache-control': 'no-cache' })
  t.match(refreshed.body.parts.summary, { cache: 'bypass', attempts: 1 })
  t.match(refreshed.headers['cache-status'], /^text-bff; fwd=request; stored;/)
  t.equal(built.upstream.calls.length, 6, 'no-cache went upstream')
  const other = fresh()
  const unstored = await built.analyze({ text: other }, { 'cache-control': 'max-age=0, No-Store' })
  t.match(unstored.body.parts.summary, { cache: 'bypass' })
  t.match(unstored.headers['cache-status'], /^text-bff; fwd=request; detail=/)
  const after = await built.analyze({ text: other })
  t.match(after.body.parts.summary, { cache: 'miss' }, 'nothing was stored by no-store')
  // A browser's reload (max-age=0), and Pragma: no-cache without a Cache-Control, are no-cache too.
  const reloads: Record<string, string>[] = [{ 'cache-control': 'max-age=0' }, { 'cache-control': 'max-age="0"' }, { pragma: 'no-cache' }]
  for (const headers of reloads) {
    const reloaded = await built.analyze({ text }, headers)
    t.match(reloaded.headers['cache-status'], /^text-bff; fwd=request; stored;/, JSON.stringify(headers))
  }
  const aged = await built.analyze({ text }, { 'cache-control': 'max-age=60', pragma: 'no-cache' })
  t.match(aged.headers['cache-status'], /^text-bff; hit;/, 'another age, and Pragma beside a Cache-Control, change nothing')
})

t.test('a value larger than CACHE_MAX_ENTRY_BYTES is not stored; one within it is, however much memory it takes', async (t) => {
  const built = await build(t, { CACHE_MAX_ENTRY_BYTES: 2048 })
  built.upstream.script('summarize', { kind: 'ok', body: { summary: 'x'.repeat(5000) } })
  let text = fresh()
  await built.analyze({ text })
  let again = await built.analyze({ text })
  t.match(again.body.parts, { summary: { cache: 'miss' }, entities: { cache: 'hit' } })
  // 1 502 bytes of JSON: within the bound, though the memory tier counts it at twice that.
  built.upstream.script('summarize', { kind: 'ok', body: { summary: 'x'.repeat(1500) } })
  text = fresh()
  await built.analyze({ text })
  again = await built.analyze({ text })
  t.match(again.body.parts, { summary: { cache: 'hit' }, entities: { cache: 'hit' } })
  // The bound is in bytes: 700 three-byte characters are 2 102 bytes of JSON, though 702 characters.
  built.upstream.script('summarize', { kind: 'ok', body: { summary: '€'.repeat(700) } })
  text = fresh()
  await built.analyze({ text })
  again = await built.analyze({ text })
  t.match(again.body.parts, { summary: { cache: 'miss' } })
})

t.test('CACHE=false: no part is cached, and no cache status is claimed', async (t) => {
  const built = await build(t, { CACHE: false })
  const text = fresh()
  await built.analyze({ text })
  const again = await built.analyze({ text })
  t.equal(again.body.parts.summary.cache, undefined)
  t.equal(again.headers['cache-status'], undefined)
  t.equal(built.upstream.calls.length, 6)
})

t.test('cache events reach the metrics', async (t) => {
  const built = await build(t)
  const text = fresh()
  await built.analyze({ text })
  await built.analyze({ text })
  const res = await request(`${built.url}/metrics`, { dispatcher: built.client })
  const body = await res.body.text()
  t.match(body, /text_bff_cache_parts_total\{part="summary",status="miss"\} 1\n/)
  t.match(body, /text_bff_cache_parts_total\{part="summary",status="hit"\} 1\n/)
  t.match(body, /text_bff_cache_memory_bytes [1-9]\d*\n/)
})
