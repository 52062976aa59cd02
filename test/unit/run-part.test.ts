// One part's life: pause, breaker, permit, call, retries; each way it can end has one code, and attempts are published.
import { tracingChannel } from 'node:diagnostics_channel'
import t from 'tap'
import type { Test } from 'tap'
import { runPart } from '../../src/analyze/run-part.js'
import type { PartDeps } from '../../src/analyze/run-part.js'
import { Scope } from '../../src/analyze/scope.js'
import { Cancelled } from '../../src/errors.js'
import type { AttemptEvent } from '../../src/events.js'
import type { PartName } from '../../src/parts.js'
import { core } from '../helpers/core.js'
import type { Core } from '../helpers/core.js'

const BODY = JSON.stringify({ text: 'Ada wrote. Babbage built.' })
const source = {}

function deps (c: Core, part: PartName): PartDeps {
  return { client: c.client, guard: c.guards[part], pauses: c.pauses, retry: c.retry, source }
}

function scope (t: Test, budgetMs = 5000): Scope {
  const s = new Scope(budgetMs)
  t.teardown(() => s.dispose())
  return s
}

function watchAttempts (t: Test): string[] {
  const seen: string[] = []
  const channel = tracingChannel<AttemptEvent>('text-bff:attempt')
  const handlers = {
    start (e: AttemptEvent) { if (e.source === source) seen.push(`start ${e.part} #${e.attempt}`) },
    end () {},
    asyncStart () {},
    asyncEnd (e: AttemptEvent) { if (e.source === source) seen.push(`end ${e.part} #${e.attempt} ${e.error === undefined ? 'ok' : (e.error as { code?: string, kind?: string }).code ?? (e.error as { kind: string }).kind}`) },
    error () {},
  }
  channel.subscribe(handlers)
  t.teardown(() => channel.unsubscribe(handlers))
  return seen
}

t.test('a transient failure is retried and each attempt is published with its number and outcome', async (t) => {
  const c = await core(t)
  const seen = watchAttempts(t)
  c.upstream.script('summarize', { kind: 'status', status: 503 }, { kind: 'ok' })
  const outcome = await runPart('summary', BODY, scope(t), 'r1', deps(c, 'summary'), c.limiter)
  t.match(outcome, { part: 'summary', ok: true, value: 'Ada wrote', attempts: 2 })
  t.same(seen, ['start summary #1', 'end summary #1 UPSTREAM_ERROR', 'start summary #2', 'end summary #2 ok'])
  t.equal(c.limiter.stats().inUse, 0)
})

t.test('the deadline passing while waiting for a permit is DEADLINE_EXCEEDED, with no attempt made', async (t) => {
  const c = await core(t, { limit: 1 })
  const held = c.limiter.tryAcquire()!
  const outcome = await runPart('entities', BODY, scope(t, 50), 'r', deps(c, 'entities'), c.limiter)
  t.match(outcome, { ok: false, attempts: 0, failure: { code: 'DEADLINE_EXCEEDED', message: /before the upstream could be called/ } })
  t.equal(c.upstream.calls.length, 0)
  held.release()
  t.same(c.limiter.stats().waiting, 0, 'the waiter left the queue')
})

t.test('the deadline passing during a call is UPSTREAM_TIMEOUT, and the call is aborted', async (t) => {
  const c = await core(t)
  c.upstream.script('ner', { kind: 'hang' })
  const outcome = await runPart('entities', BODY, scope(t, 80), 'r', deps(c, 'entities'), c.limiter)
  t.match(outcome, { ok: false, attempts: 1, failure: { code: 'UPSTREAM_TIMEOUT', message: /while the upstream call was in flight/ } })
  t.equal(c.limiter.stats().inUse, 0, 'the permit came back')
})

t.test('the client leaving mid-call is CLIENT_CLOSED; a shutdown while waiting to retry is SHUTTING_DOWN', async (t) => {
  const c = await core(t)
  c.upstream.script('ner', { kind: 'hang' })
  const s1 = scope(t)
  setTimeout(() => s1.cancel(new Cancelled('client-closed', 'the client closed the connection')), 30)
  t.match(await runPart('entities', BODY, s1, 'r', deps(c, 'entities'), c.limiter), { ok: false, failure: { code: 'CLIENT_CLOSED' } })
  // The upstream sheds and asks to be called again in 30 s: the part waits, inside its 60 s budget.
  c.upstream.script('summarize', { kind: 'status', status: 503, headers: { 'retry-after': '30' } })
  const s2 = scope(t, 60_000)
  setTimeout(() => s2.cancel(new Cancelled('shutdown', 'the service is shutting down')), 60)
  t.match(await runPart('summary', BODY, s2, 'r', deps(c, 'summary'), c.limiter), { ok: false, attempts: 1, failure: { code: 'SHUTTING_DOWN' } })
})

t.test('a 429 pauses the endpoint for every caller and the attempt after the pause succeeds', async (t) => {
  const c = await core(t)
  c.upstream.script('summarize', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'ok' })
  const started = performance.now()
  const outcome = await runPart('summary', BODY, scope(t), 'r', deps(c, 'summary'), c.limiter)
  t.match(outcome, { ok: true, attempts: 2 })
  t.ok(performance.now() - started >= 950, 'waited out Retry-After')
  c.pauses.pause('summarize', 60_000)
  const paused = await runPart('summary', BODY, scope(t, 2000), 'r', deps(c, 'summary'), c.limiter)
  t.match(paused, { ok: false, attempts: 0, failure: { code: 'RATE_LIMITED', retryAfterMs: Number } })
  t.equal(c.upstream.count('summarize'), 2, 'a pause past the deadline fails without calling')
})

t.test('an open circuit fails fast with CIRCUIT_OPEN and a full limiter queue with OVERLOADED', async (t) => {
  const c = await core(t, { limit: 1, queueLimit: 0, guard: { minCalls: 1 } })
  c.guards.summary.failed(new (await import('../../src/errors.js')).PartFailure('UPSTREAM_ERROR', 'x'), c.guards.summary.admit())
  t.match(await runPart('summary', BODY, scope(t), 'r', deps(c, 'summary'), c.limiter), { ok: false, attempts: 0, failure: { code: 'CIRCUIT_OPEN' } })
  const held = c.limiter.tryAcquire()!
  t.match(await runPart('entities', BODY, scope(t), 'r', deps(c, 'entities'), c.limiter), { ok: false, attempts: 0, failure: { code: 'OVERLOADED', message: /queue is full/ } })
  held.release()
  t.equal(c.upstream.calls.length, 0)
})

t.test('an upstream that sheds (503 with Retry-After past the deadline) is OVERLOADED and never opens the circuit', async (t) => {
  const c = await core(t, { guard: { minCalls: 2 } })
  c.upstream.script('ner', { kind: 'status', status: 503, headers: { 'retry-after': '30' } })
  for (let i = 0; i < 5; i++) {
    t.match(await runPart('entities', BODY, scope(t, 2000), 'r', deps(c, 'entities'), c.limiter),
      { ok: false, attempts: 1, failure: { code: 'OVERLOADED', upstreamStatus: 503, retryAfterMs: 30_000 } })
  }
  t.equal(c.guards.entities.circuitState, 'closed')
})

t.test('a failure that is not transient is not retried', async (t) => {
  const c = await core(t)
  c.upstream.script('most_common_phrases', { kind: 'wrong-shape' })
  t.match(await runPart('mostCommonPhrases', BODY, scope(t), 'r', deps(c, 'mostCommonPhrases'), c.limiter),
    { ok: false, attempts: 1, failure: { code: 'UPSTREAM_BAD_RESPONSE' } })
  t.equal(c.upstream.count('most_common_phrases'), 1)
})
