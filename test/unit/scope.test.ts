// The deadline scope: cancels once with a typed reason, follows its parent, and leaves nothing behind.
import t from 'tap'
import { Scope } from '../../src/analyze/scope.js'
import { Cancelled } from '../../src/errors.js'
import type { CancelListener } from '../../src/upstream/cancellation.js'
import { sleep } from '../../src/upstream/cancellation.js'

function listener (): CancelListener & { reasons: Cancelled[] } {
  const reasons: Cancelled[] = []
  return { reasons, cancelled (reason) { reasons.push(reason) } }
}

t.test('the deadline cancels the scope once, with a deadline reason that names the budget', async (t) => {
  const scope = new Scope(30, { label: 'test' })
  const l = listener()
  scope.addListener(l)
  t.ok(scope.remainingMs() > 0 && scope.remainingMs() <= 30)
  await new Promise((resolve) => setTimeout(resolve, 80))
  t.equal(l.reasons.length, 1)
  t.match(l.reasons[0], { name: 'Cancelled', kind: 'deadline', message: "the test's 30 ms deadline passed" })
  t.equal(scope.reason, l.reasons[0])
  t.equal(scope.remainingMs(), 0)
  scope.cancel(new Cancelled('client-closed', 'later'))
  t.equal(scope.reason?.kind, 'deadline', 'the first reason stays')
  t.equal(l.reasons.length, 1, 'listeners are told once')
})

t.test('cancel tells every listener once and a removed listener never', async (t) => {
  const scope = new Scope(60_000)
  const a = listener()
  const b = listener()
  scope.addListener(a)
  scope.addListener(b)
  scope.removeListener(b)
  scope.cancel(new Cancelled('client-closed', 'gone'))
  scope.cancel(new Cancelled('shutdown', 'again'))
  t.same(a.reasons.map((r) => r.kind), ['client-closed'])
  t.same(b.reasons, [])
})

t.test('a child follows its parent\'s cancellation and reason; a disposed child leaves the parent', async (t) => {
  const parent = new Scope(Number.POSITIVE_INFINITY, { label: 'service' })
  t.equal(parent.remainingMs(), Number.POSITIVE_INFINITY, 'no deadline, no timer')
  const child = new Scope(60_000, { parent })
  const gone = new Scope(60_000, { parent })
  gone.dispose()
  const l = listener()
  gone.addListener(l)
  parent.cancel(new Cancelled('shutdown', 'the service is shutting down'))
  t.equal(child.reason?.kind, 'shutdown')
  t.equal(gone.reason, undefined, 'a disposed child no longer listens')
  const late = new Scope(60_000, { parent })
  t.equal(late.reason?.kind, 'shutdown', 'a child of a cancelled parent starts cancelled')
  child.dispose()
})

t.test('dispose stops the timer: no deadline fires after the work is answered', async (t) => {
  const scope = new Scope(20)
  const l = listener()
  scope.addListener(l)
  scope.dispose()
  await new Promise((resolve) => setTimeout(resolve, 60))
  t.equal(scope.reason, undefined)
  t.same(l.reasons, [])
})

t.test('sleep resolves after its time, or rejects with the reason as soon as the scope is cancelled', async (t) => {
  const scope = new Scope(60_000)
  const started = performance.now()
  await sleep(15, scope)
  t.ok(performance.now() - started >= 14)
  const pending = sleep(60_000, scope)
  setTimeout(() => scope.cancel(new Cancelled('client-closed', 'left')), 5)
  await t.rejects(pending, { name: 'Cancelled', kind: 'client-closed' })
  await t.rejects(sleep(1, scope), { name: 'Cancelled', kind: 'client-closed' }, 'an already-cancelled scope rejects at once')
})
