// GET /metrics: Prometheus text with request, part-outcome, permit and circuit figures, and no secrets.
import t from 'tap'
import { request } from 'undici'
import type { Dispatcher } from 'undici'
import { Registry } from 'prom-client'
import { TalliedHistogram } from '../src/plugins/tally.js'
import { build, TEST_KEY } from './helpers/build.js'

async function scrape (url: string, client: Dispatcher) {
  const res = await request(`${url}/metrics`, { dispatcher: client })
  return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text() }
}

t.test('counts requests, part outcomes by code and attempts, and reports permits and circuits', async (t) => {
  const { url, client, analyze, upstream } = await build(t, { UPSTREAM_CONCURRENCY: 7 })
  // A text each: the cache must not answer for the upstream here.
  await analyze({ text: 'One. Two.' })
  upstream.script('ner', { kind: 'status', status: 500 })
  await analyze({ text: 'Three. Four.' })
  upstream.script('summarize', { kind: 'status', status: 503 }, { kind: 'ok' })
  await analyze({ text: 'Five. Six.', parts: ['summary'] })
  await analyze({ nope: 1 })
  await request(`${url}/nowhere/${Math.random()}`, { dispatcher: client }).then((r) => r.body.dump())
  await request(`${url}/analyze`, { dispatcher: client }).then((r) => r.body.dump())
  await request(`${url}/problems/x`, { dispatcher: client, method: 'DELETE' }).then((r) => r.body.dump())
  const m = await scrape(url, client)
  t.equal(m.status, 200)
  t.match(m.type, /^text\/plain; version=0\.0\.4/)
  t.match(m.text, /text_bff_http_requests_total\{route="\/analyze",status="200"\} 3\n/)
  t.match(m.text, /text_bff_http_requests_total\{route="\/analyze",status="400"\} 1\n/)
  t.match(m.text, /text_bff_http_requests_total\{route="unmatched",status="404"\} 1\n/, 'unknown paths share one series')
  t.match(m.text, /text_bff_http_requests_total\{route="\/analyze",status="405"\} 1\n/, 'a 405 is counted under its route')
  t.match(m.text, /text_bff_http_requests_total\{route="\/problems\/:slug",status="405"\} 1\n/)
  t.match(m.text, /text_bff_parts_total\{part="summary",outcome="ok"\} 3\n/)
  t.match(m.text, /text_bff_parts_total\{part="entities",outcome="ok"\} 1\n/)
  t.match(m.text, /text_bff_parts_total\{part="entities",outcome="UPSTREAM_ERROR"\} 1\n/)
  t.match(m.text, /text_bff_upstream_retries_total\{part="summary"\} 1\n/, 'the retry is counted')
  t.match(m.text, /text_bff_http_request_duration_seconds_count\{route="\/analyze",status="200"\} 3\n/)
  t.match(m.text, /text_bff_http_request_duration_seconds_count\{route="\/analyze",status="400"\} 1\n/, 'durations by route and status')
  t.match(m.text, /text_bff_http_request_duration_seconds_bucket\{route="\/analyze",status="200",le="\+Inf"\} 3\n/)
  const buckets = [...m.text.matchAll(/text_bff_http_request_duration_seconds_bucket\{route="\/analyze",status="200",le="[^"]+"\} (\d+)/g)].map((b) => Number(b[1]))
  t.equal(buckets.length, 12, 'eleven bounds and +Inf')
  t.same(buckets, [...buckets].sort((a, b) => a - b), 'bucket counts are cumulative')
  t.match(m.text, /text_bff_upstream_permits_limit 7\n/)
  t.match(m.text, /text_bff_upstream_permits_in_use 0\n/)
  t.match(m.text, /text_bff_upstream_queue_waiting 0\n/)
  t.match(m.text, /text_bff_circuit_state\{part="entities"\} 0\n/)
  t.match(m.text, /process_cpu_user_seconds_total/, 'with the process defaults')
  t.notMatch(m.text, TEST_KEY)
})

t.test('a tallied histogram counts a value equal to a bound in that bound, and exposes like prom-client', async (t) => {
  const registry = new Registry()
  const h = new TalliedHistogram({ name: 'x_seconds', help: 'x', labelNames: ['route'] as const, buckets: [0.1, 1], registers: [registry] })
  for (const v of [0.05, 0.1, 0.5, 1, 7]) h.tally('/a').observe(v)
  h.tally('/b').observe(2)
  const text = await registry.metrics()
  t.match(text, '# TYPE x_seconds histogram\n')
  t.match(text, 'x_seconds_bucket{route="/a",le="0.1"} 2\nx_seconds_bucket{route="/a",le="1"} 4\nx_seconds_bucket{route="/a",le="+Inf"} 5\n')
  t.match(text, 'x_seconds_sum{route="/a"} 8.65\nx_seconds_count{route="/a"} 5\n')
  t.match(text, 'x_seconds_bucket{route="/b",le="1"} 0\nx_seconds_bucket{route="/b",le="+Inf"} 1\n')
  const json = await registry.getMetricsAsJSON()
  t.equal(json[0]?.values.length, 10, 'two label values × (three buckets, sum, count), as JSON too')
})

t.test('METRICS=false serves no /metrics', async (t) => {
  const { url, client } = await build(t, { METRICS: false })
  t.equal((await scrape(url, client)).status, 404)
})
