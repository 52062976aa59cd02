// Every event an operator would alert on moves its series: made to happen here, one by one, and read back from /metrics.
import t from 'tap'
import { request } from 'undici'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'
import { hasRedis, startRedis } from './helpers/redis.js'

async function scrape (built: Built): Promise<string> {
  const res = await request(`${built.url}/metrics`, { dispatcher: built.client })
  return await res.body.text()
}

/** The value of one series (exact labels), 0 when absent. */
function value (text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

let n = 0
const fresh = (): string => `Metrics text ${++n}. It has two sentences.`

t.test('requests, attempts, retries, budget refusals, circuits and sheds each move their series', async (t) => {
  // Not adaptive: the 503s below would lower the ceiling under the two permits this test fills.
  const built = await build(t, { BREAKER_MIN_CALLS: 10, UPSTREAM_MAX_ATTEMPTS: 2, UPSTREAM_RETRY_BUDGET_RATIO: 0, UPSTREAM_CONCURRENCY: 2, UPSTREAM_QUEUE_LIMIT: 1, UPSTREAM_ADAPTIVE: false })
  const before = await scrape(built)
  t.equal(value(before, 'text_bff_upstream_attempt_duration_seconds_count{endpoint="ner",outcome="ok"}'), 0, 'every endpoint has its series from the start')
  t.match(before, /text_bff_upstream_attempt_duration_seconds_count\{endpoint="summarize",outcome="ok"\} 0/)

  await built.analyze({ text: fresh() })
  // Seven failing requests: the budget (ratio 0) allows three retries and refuses the next four, and
  // the ten failed calls open the circuit (ten calls at least).
  built.upstream.script('ner', { kind: 'status', status: 503 })
  for (let i = 0; i < 7; i++) await built.analyze({ text: fresh(), parts: ['entities'] })
  built.upstream.script('*', { kind: 'ok', delayMs: 300 })
  const slow = [built.analyze({ text: fresh(), parts: ['summary', 'mostCommonPhrases'] })]
  while (built.upstream.inFlight < 2) await new Promise((resolve) => setTimeout(resolve, 5))
  const during = await scrape(built)
  t.ok(value(during, 'text_bff_upstream_connections{state="connected"}') >= 2, 'the Agent\'s connections')
  t.ok(value(during, 'text_bff_upstream_connections{state="running"}') >= 2)
  t.equal(value(during, 'text_bff_upstream_permits_in_use'), 2, 'permits in use')
  const shed = await built.analyze({ text: fresh() })
  t.equal(shed.body.code, 'OVERLOADED')
  await Promise.all(slow)

  const m = await scrape(built)
  t.equal(value(m, 'text_bff_http_request_duration_seconds_count{route="/analyze",status="200"}'), 2, 'request durations by route and status')
  t.ok(value(m, 'text_bff_http_request_duration_seconds_count{route="/analyze",status="502"}') >= 1)
  t.ok(value(m, 'text_bff_http_request_duration_seconds_count{route="/analyze",status="503"}') >= 1)
  t.ok(value(m, 'text_bff_upstream_attempt_duration_seconds_count{endpoint="summarize",outcome="ok"}') >= 2, 'attempt durations by endpoint and outcome')
  t.ok(value(m, 'text_bff_upstream_attempt_duration_seconds_count{endpoint="ner",outcome="UPSTREAM_ERROR"}') >= 3)
  t.ok(value(m, 'text_bff_upstream_retries_total{part="entities"}') >= 1, 'retries')
  t.ok(value(m, 'text_bff_upstream_retry_budget_refusals_total{part="entities"}') >= 1, 'retries refused by the budget')
  t.equal(value(m, 'text_bff_circuit_state{part="entities"}'), 2, 'the circuit is open')
  t.equal(value(m, 'text_bff_circuit_transitions_total{endpoint="ner",to="open"}'), 1, 'and its transition counted')
  t.ok(value(m, 'text_bff_shed_total{reason="queue-full"}') >= 1, 'sheds by reason')
  t.equal(value(m, 'text_bff_upstream_permits_limit'), 2)
  t.notMatch(m, /text_bff_upstream_adaptive_limit /, 'no adaptive limit is reported when it is off')
})

t.test('the cache and coalescing move theirs', async (t) => {
  const built = await build(t, { CACHE_TTL_S: 1 })
  built.upstream.script('*', { kind: 'ok', delayMs: 100 })
  const text = fresh()
  await Promise.all([built.analyze({ text }), built.analyze({ text })])
  await built.analyze({ text })
  await built.analyze({ text }, { 'cache-control': 'no-store' })
  await new Promise((resolve) => setTimeout(resolve, 1100))
  built.upstream.script('summarize', { kind: 'status', status: 500 })
  await built.analyze({ text, parts: ['summary'] })
  const m = await scrape(built)
  for (const status of ['miss', 'collapsed', 'hit', 'bypass', 'stale']) {
    t.ok(value(m, `text_bff_cache_parts_total{part="summary",status="${status}"}`) >= 1, `cache ${status}`)
  }
  t.ok(value(m, 'text_bff_cache_memory_bytes') > 0)
  t.equal(value(m, 'text_bff_flights_in_progress'), 0)
})

t.test('an event-loop shed moves its series', async (t) => {
  const built = await build(t, { MAX_EVENT_LOOP_DELAY_MS: 20 })
  const until = Date.now() + 1600
  while (Date.now() < until) {
    const block = Date.now() + 60
    while (Date.now() < block) { /* busy */ }
    await new Promise((resolve) => setImmediate(resolve))
  }
  await built.analyze({ text: fresh() })
  t.ok(value(await scrape(built), 'text_bff_shed_total{reason="event-loop"}') >= 1)
})

t.test('Redis errors and the shared limiter\'s state move theirs', { skip: hasRedis ? false : 'redis-server is not installed' }, async (t) => {
  const redis = await startRedis(t)
  t.teardown(() => redis.resume())
  const built = await build(t, { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: 200 })
  while (!built.app.redis!.up) await new Promise((resolve) => setTimeout(resolve, 20))
  await built.analyze({ text: fresh() })
  const up = await scrape(built)
  t.equal(value(up, 'text_bff_redis_up'), 1)
  t.equal(value(up, 'text_bff_upstream_limiter_fallback'), 0)
  // Stalled, not gone: its commands time out until that is an outage (a lost connection counts no error).
  redis.pause()
  for (let i = 0; i < 5; i++) await built.analyze({ text: fresh() })
  const down = await scrape(built)
  t.equal(value(down, 'text_bff_redis_up'), 0)
  t.ok(value(down, 'text_bff_redis_errors_total') >= 1, 'Redis errors counted')
  t.equal(value(down, 'text_bff_upstream_limiter_fallback'), 1, 'the replica works from its share')
  t.match(down, /text_bff_upstream_leases_lost_total 0/)
})
