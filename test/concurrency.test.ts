// 500 concurrent requests: the upstream never sees more calls in flight than the limit, and all complete.
import t from 'tap'
import { build } from './helpers/build.js'

t.test('500 concurrent /analyze calls stay within UPSTREAM_CONCURRENCY and all complete', async (t) => {
  const limit = 16
  // Deadlines and queue far beyond the work, so a busy machine slows the test down but cannot shed or time out a request.
  const { analyze, upstream, app } = await build(t, { UPSTREAM_CONCURRENCY: limit, REQUEST_TIMEOUT_MS: 120_000, UPSTREAM_QUEUE_LIMIT: 10_000 })
  upstream.script('*', { kind: 'ok', delayMs: 5 })
  const results = await Promise.all(Array.from({ length: 500 }, (_, i) => analyze({ text: `Text number ${i}. It is short.` })))
  const statuses = new Map<number, number>()
  for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
  t.same([...statuses], [[200, 500]], 'every request answered 200')
  t.ok(results.every((r) => r.body.summary === `Text number ${results.indexOf(r)}`), 'each answer belongs to its request')
  t.equal(upstream.calls.length, 1500)
  t.ok(upstream.maxInFlight <= limit, `upstream max in flight ${upstream.maxInFlight} <= ${limit}`)
  t.equal(upstream.maxInFlight, limit, 'and the limit was used fully')
  t.equal(app.upstream.limiter.stats().inUse, 0, 'every permit came back')
  t.equal(app.upstream.limiter.stats().waiting, 0)
})
