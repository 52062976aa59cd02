// The runner: parts start together and come out in completion order; their lives are published while they run.
import { tracingChannel } from 'node:diagnostics_channel'
import t from 'tap'
import type { Test } from 'tap'
import { AnalysisRun } from '../../src/analyze/runner.js'
import { Scope } from '../../src/analyze/scope.js'
import { Cancelled, ServiceError } from '../../src/errors.js'
import type { PartEvent } from '../../src/events.js'
import type { PartName, PartOutcome } from '../../src/parts.js'
import { core } from '../helpers/core.js'

const TEXT = 'Ada wrote. Babbage built.'

function scope (t: Test, budgetMs = 5000): Scope {
  const s = new Scope(budgetMs)
  t.teardown(() => s.dispose())
  return s
}

t.test('yields each part as it completes, fastest first, each exactly once', async (t) => {
  const c = await core(t)
  // The slowest part is far slower than the others, so "before it finished" is a fact about order, not a
  // timing that a busy machine could stretch.
  c.upstream.script('summarize', { kind: 'ok', delayMs: 1500 })
  c.upstream.script('ner', { kind: 'ok', delayMs: 10 })
  c.upstream.script('most_common_phrases', { kind: 'ok', delayMs: 80 })
  const run = c.analyzer.start({ text: TEXT }, scope(t), 'r1')
  t.same(run.parts, ['summary', 'entities', 'mostCommonPhrases'])
  const order: string[] = []
  let inFlightAtFirst = -1
  for await (const outcome of run) {
    if (order.length === 0) inFlightAtFirst = c.upstream.inFlight
    order.push(outcome.part)
  }
  t.same(order, ['entities', 'mostCommonPhrases', 'summary'])
  t.ok(inFlightAtFirst >= 1, `the first outcome came while the slowest call was still in flight (${inFlightAtFirst} in flight)`)
  t.equal(c.upstream.maxInFlight, 3, 'all three calls were in flight together')
})

t.test('only the wanted parts run', async (t) => {
  const c = await core(t)
  const outcomes = await c.analyzer.start({ text: TEXT, parts: ['mostCommonPhrases', 'summary'] }, scope(t), 'r').all()
  t.same(outcomes.map((o) => o.part).sort(), ['mostCommonPhrases', 'summary'])
  t.same(c.upstream.calls.map((c) => c.endpoint).sort(), ['most_common_phrases', 'summarize'])
})

t.test('publishes every part\'s start before any finishes, then each finish with its outcome, for its own analyzer only', async (t) => {
  const c = await core(t)
  const other = await core(t)
  c.upstream.script('ner', { kind: 'status', status: 500 })
  const seen: string[] = []
  const channel = tracingChannel<PartEvent>('text-bff:part')
  const handlers = {
    start (e: PartEvent) { if (e.source === c.analyzer) seen.push(`start ${e.part}`) },
    end () {},
    asyncStart () {},
    asyncEnd (e: PartEvent) { if (e.source === c.analyzer) seen.push(`end ${e.part} ${e.result!.ok ? 'ok' : e.result!.failure.code}`) },
    error () {},
  }
  channel.subscribe(handlers)
  t.teardown(() => channel.unsubscribe(handlers))
  await Promise.all([c.analyzer.start({ text: TEXT }, scope(t), 'r').all(), other.analyzer.start({ text: TEXT }, scope(t), 'r').all()])
  t.same(seen.slice(0, 3), ['start summary', 'start entities', 'start mostCommonPhrases'])
  t.same(seen.slice(3).sort(), ['end entities UPSTREAM_ERROR', 'end mostCommonPhrases ok', 'end summary ok'])
})

t.test('refuses at once when the limiter cannot take the calls, before any part starts', async (t) => {
  const c = await core(t, { limit: 1, queueLimit: 1 })
  const held = c.limiter.tryAcquire()!
  t.throws(() => c.analyzer.start({ text: TEXT }, scope(t), 'r'), ServiceError)
  t.throws(() => c.analyzer.start({ text: TEXT }, scope(t), 'r'), { code: 'OVERLOADED', message: /queue is full/ })
  held.release()
  t.equal(c.upstream.calls.length, 0)
})

t.test('cancelling the scope ends every running part with its own code', async (t) => {
  const c = await core(t)
  c.upstream.script('*', { kind: 'hang' })
  const s = scope(t)
  const run = c.analyzer.start({ text: TEXT }, s, 'r')
  setTimeout(() => s.cancel(new Cancelled('client-closed', 'gone')), 30)
  const outcomes = await run.all()
  t.same(outcomes.map((o) => o.ok ? 'ok' : o.failure.code), ['CLIENT_CLOSED', 'CLIENT_CLOSED', 'CLIENT_CLOSED'])
  t.equal(c.limiter.stats().inUse, 0)
})

t.test('a scope already cancelled when the analysis starts (a batch whose client left) makes no upstream call', async (t) => {
  const c = await core(t)
  const s = scope(t)
  s.cancel(new Cancelled('client-closed', 'gone'))
  const outcomes = await c.analyzer.start({ text: TEXT }, s, 'r').all()
  t.same(outcomes.map((o) => o.ok ? 'ok' : o.failure.code), ['CLIENT_CLOSED', 'CLIENT_CLOSED', 'CLIENT_CLOSED'])
  t.same(outcomes.map((o) => o.attempts), [0, 0, 0])
  // Anything started would have been called by now: the calls are answered at once.
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(c.upstream.calls.length, 0, 'the upstream saw no call')
  t.equal(c.analyzer.fetcher.inFlight, 0, 'no flight is left behind')
  t.equal(c.limiter.stats().inUse, 0)
})

t.test('all() gives every outcome in completion order, or the first rejection (a bug surfaces as a 500)', async (t) => {
  const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(resolve, ms, value))
  const outcome = (part: PartName): PartOutcome => ({ part, ok: true, value: part, durationMs: 0, attempts: 1, cache: undefined } as PartOutcome)
  const run = new AnalysisRun(['summary', 'entities', 'mostCommonPhrases'], [later(60, outcome('summary')), later(5, outcome('entities')), later(30, outcome('mostCommonPhrases'))])
  t.same((await run.all()).map((o) => o.part), ['entities', 'mostCommonPhrases', 'summary'])
  t.same((await run.all()).map((o) => o.part), ['entities', 'mostCommonPhrases', 'summary'], 'and again once all are done')
  const broken = new AnalysisRun(['summary', 'entities'], [later(5, outcome('summary')), Promise.reject(new Error('a bug'))])
  await t.rejects(broken.all(), /a bug/)
  const none = new AnalysisRun([], [])
  t.same(await none.all(), [])
})
