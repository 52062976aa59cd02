// One upstream call: a bounded body, one abort path, and `settled` exactly once with what the call says of the upstream.
import t from 'tap'
import type { Test } from 'tap'
import { Agent } from 'undici'
import { Scope } from '../../src/analyze/scope.js'
import { Cancelled } from '../../src/errors.js'
import { callUpstream } from '../../src/upstream/call.js'
import type { UpstreamResponse } from '../../src/upstream/call.js'
import type { PermitOutcome } from '../../src/upstream/limiter.js'
import { startFakeUpstream } from '../helpers/fake-upstream.js'
import type { Behaviour } from '../helpers/fake-upstream.js'

async function setup (t: Test, behaviour: Behaviour) {
  const upstream = await startFakeUpstream()
  const agent = new Agent({ keepAliveTimeout: 500 })
  t.teardown(async () => { await agent.close(); await upstream.close() })
  upstream.script('*', behaviour)
  const settled: PermitOutcome[] = []
  const scope = new Scope(5000)
  t.teardown(() => scope.dispose())
  const call = (overrides: { maxResponseBytes?: number, origin?: string } = {}) => callUpstream<UpstreamResponse>({
    dispatcher: agent,
    origin: overrides.origin ?? new URL(upstream.url).origin,
    path: '/text/summarize',
    headers: { 'content-type': 'application/json' },
    body: '{"text":"x"}',
    maxResponseBytes: overrides.maxResponseBytes ?? 1024,
    cancellation: scope,
    interpret: (res) => res,
    settled: (outcome) => { settled.push(outcome) },
  })
  return { upstream, settled, scope, call }
}

t.test('collects the whole response and reports the call as ok', async (t) => {
  const { call, settled } = await setup(t, { kind: 'ok' })
  const res = await call()
  t.equal(res.status, 200)
  t.equal(res.contentType, 'application/json')
  t.same(JSON.parse(res.body.toString()), { summary: 'x' })
  t.same(settled, ['ok'])
})

t.test('a 429 or a 503 is reported as overload, with Retry-After in ms', async (t) => {
  const { call, settled, upstream } = await setup(t, { kind: 'status', status: 429, headers: { 'retry-after': '2' } })
  t.match(await call(), { status: 429, retryAfterMs: 2000 })
  upstream.script('*', { kind: 'status', status: 500 })
  t.match(await call(), { status: 500, retryAfterMs: undefined })
  t.same(settled, ['overload', 'failed'])
})

t.test('a body past the limit is cut off as UPSTREAM_BAD_RESPONSE, declared or streamed', async (t) => {
  const { call, settled, upstream } = await setup(t, { kind: 'huge-body', bytes: 1024 * 1024 })
  await t.rejects(call({ maxResponseBytes: 4096 }), { code: 'UPSTREAM_BAD_RESPONSE', message: /exceeds 4096 bytes/ })
  upstream.script('*', { kind: 'ok', body: { summary: 'y'.repeat(5000) } })
  await t.rejects(call({ maxResponseBytes: 4096 }), { code: 'UPSTREAM_BAD_RESPONSE' })
  t.same(settled, ['failed', 'failed'])
})

t.test('a cancellation mid-call rejects with its reason, aborts the request, and settles once', async (t) => {
  const { call, settled, scope, upstream } = await setup(t, { kind: 'hang' })
  const pending = call()
  while (upstream.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  scope.cancel(new Cancelled('deadline', 'the request\'s deadline passed'))
  await t.rejects(pending, { name: 'Cancelled', kind: 'deadline' })
  while (upstream.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5))
  t.same(settled, ['overload'], 'a deadline in flight reads as overload')
  await t.rejects(call(), { name: 'Cancelled', kind: 'deadline' }, 'an already-cancelled call never dispatches')
  t.same(settled, ['overload', 'dropped'])
  t.equal(upstream.calls.length, 1)
})

t.test('a connection refused is UPSTREAM_UNAVAILABLE; undici refusing the options settles the call too', async (t) => {
  const { call, settled, upstream } = await setup(t, { kind: 'ok' })
  await upstream.stop()
  await t.rejects(call(), { code: 'UPSTREAM_UNAVAILABLE', message: /connection failed/ })
  await t.rejects(call({ origin: 'not a url' }))
  t.same(settled, ['failed', 'failed'])
})
