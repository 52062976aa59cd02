// The in-process Limiter: limit, FIFO order, cancelled waiters leave the queue, release counts once, bounded queue, wait estimate.
import t from 'tap'
import type { Test } from 'tap'
import { Cancelled, PartFailure } from '../src/errors.js'
import { MIN_SAMPLES, Semaphore } from '../src/upstream/semaphore.js'
import { LimiterShare } from '../src/upstream/share.js'
import { Scope } from '../src/analyze/scope.js'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A caller that is never cancelled, disposed at teardown. */
function caller (t: Test): Scope {
  const scope = new Scope(60_000)
  t.teardown(() => scope.dispose())
  return scope
}

t.test('never grants more than the limit at once', async (t) => {
  const sem = new Semaphore(2)
  const me = caller(t)
  const a = await sem.acquire(me)
  const b = await sem.acquire(me)
  let third = false
  const c = sem.acquire(me).then((p) => { third = true; return p })
  await tick()
  t.same(sem.stats(), { inUse: 2, limit: 2, waiting: 1, queueLimit: Infinity })
  t.equal(third, false, 'the third caller waits')
  a.release()
  const p = await c
  t.equal(third, true)
  t.equal(sem.stats().inUse, 2)
  b.release()
  p.release()
  t.equal(sem.stats().inUse, 0)
})

t.test('grants waiters first come, first served, and tryAcquire never jumps the queue', async (t) => {
  const sem = new Semaphore(1)
  const me = caller(t)
  const held = await sem.acquire(me)
  const order: number[] = []
  const waits = [1, 2, 3, 4].map((n) => sem.acquire(me).then((p) => { order.push(n); p.release() }))
  t.equal(sem.tryAcquire(), undefined)
  held.release()
  t.equal(sem.tryAcquire(), undefined, 'the freed permit went to the first waiter')
  await Promise.all(waits)
  t.same(order, [1, 2, 3, 4])
  t.equal(sem.stats().inUse, 0)
})

t.test('a waiter whose request is cancelled leaves the queue with the typed reason and never gets a permit', async (t) => {
  const sem = new Semaphore(1)
  const me = caller(t)
  const held = await sem.acquire(me)
  const scope = new Scope(60_000)
  const cancelled = sem.acquire(scope)
  const next = sem.acquire(me)
  t.equal(sem.stats().waiting, 2)
  scope.cancel(new Cancelled('client-closed', 'client went away'))
  await t.rejects(cancelled, { name: 'Cancelled', kind: 'client-closed', message: 'client went away' })
  t.equal(sem.stats().waiting, 1, 'the cancelled waiter left at once')
  held.release()
  const permit = await next
  t.equal(sem.stats().inUse, 1, 'the permit went to the live waiter')
  permit.release()
  t.same(sem.stats(), { inUse: 0, limit: 1, waiting: 0, queueLimit: Infinity })
})

t.test('acquiring with an already-cancelled scope rejects without queueing', async (t) => {
  const sem = new Semaphore(1)
  const held = await sem.acquire(caller(t))
  const scope = new Scope(60_000)
  scope.cancel(new Cancelled('deadline', 'too late'))
  await t.rejects(sem.acquire(scope), { kind: 'deadline', message: 'too late' })
  t.equal(sem.stats().waiting, 0)
  held.release()
})

t.test('a permit released twice counts once', async (t) => {
  const sem = new Semaphore(2)
  const a = await sem.acquire(caller(t))
  const b = await sem.acquire(caller(t))
  a.release()
  a.release('ok')
  t.equal(sem.stats().inUse, 1, 'the second release of a did not free b\'s permit')
  b.release()
  t.equal(sem.stats().inUse, 0)
  t.not(sem.tryAcquire(), undefined)
})

t.test('refuses at once with OVERLOADED when the queue is full', async (t) => {
  const sem = new Semaphore(1, 2)
  const me = caller(t)
  const held = await sem.acquire(me)
  const w1 = sem.acquire(me)
  const w2 = sem.acquire(me)
  const refused = await sem.acquire(me).catch((err: unknown) => err)
  t.type(refused, PartFailure)
  t.match(refused, { code: 'OVERLOADED', message: /queue is full \(2 waiting\)/ })
  t.equal(sem.stats().waiting, 2)
  held.release()
  ;(await w1).release()
  ;(await w2).release()
  t.equal(sem.stats().inUse, 0)
})

t.test('estimates no wait until measured, then waves of the limit times the hold time', async (t) => {
  const sem = new Semaphore(2)
  const me = caller(t)
  t.equal(sem.estimateWaitMs(10), undefined, 'nothing measured yet')
  for (let i = 0; i < MIN_SAMPLES; i++) {
    const p = await sem.acquire(me)
    await new Promise((resolve) => setTimeout(resolve, 2))
    p.release()
  }
  t.equal(sem.estimateWaitMs(2), 0, 'two free permits: no wait for two calls')
  const hold = sem.estimateWaitMs(3)!
  t.ok(hold >= 1.5 && hold < 200, `one wave of about one hold time (${hold.toFixed(1)} ms)`)
  t.ok(Math.abs(sem.estimateWaitMs(6)! - 2 * hold) < 1e-9, 'four queued calls are two waves')
})

t.test('lowered below the permits in use, it grants nothing until enough come back; raised, it grants waiters at once', async (t) => {
  const sem = new Semaphore(4)
  const me = caller(t)
  const held = [sem.tryAcquire()!, sem.tryAcquire()!, sem.tryAcquire()!, sem.tryAcquire()!]
  sem.resize(2)
  t.same(sem.stats(), { inUse: 4, limit: 2, waiting: 0, queueLimit: Infinity })
  t.equal(sem.tryAcquire(), undefined, 'no permit while 4 are in use under a limit of 2')
  let granted = 0
  const waiting = [sem.acquire(me), sem.acquire(me)].map((p) => p.then((permit) => { granted++; return permit }))
  await tick()
  t.equal(granted, 0, 'both callers wait')
  held[0]!.release()
  held[1]!.release()
  await tick()
  t.equal(granted, 0, 'two permits back only pay off what the lower limit owed')
  t.equal(sem.stats().inUse, 2)
  held[2]!.release()
  await tick()
  t.equal(granted, 1, 'the third permit back goes to the first waiter')
  t.equal(sem.stats().inUse, 2)
  sem.resize(3)
  await tick()
  t.equal(granted, 2, 'raising the limit grants the next waiter at once')
  t.same(sem.stats(), { inUse: 3, limit: 3, waiting: 0, queueLimit: Infinity })
  t.equal(sem.tryAcquire(), undefined)
  held[3]!.release()
  for (const p of await Promise.all(waiting)) p.release()
  t.same(sem.stats(), { inUse: 0, limit: 3, waiting: 0, queueLimit: Infinity })
})

t.test('a share counts in use only the permits it holds, not a caller with a slot still waiting for the inner limiter', async (t) => {
  const inner = new Semaphore(1)
  const share = new LimiterShare(inner, 2)
  const me = caller(t)
  const other = inner.tryAcquire()!
  let granted = false
  const waiting = share.acquire(me).then((p) => { granted = true; return p })
  await tick()
  t.equal(granted, false)
  t.same(share.stats(), { inUse: 0, limit: 1, waiting: 1, queueLimit: Infinity }, 'a slot taken, no call in flight')
  other.release()
  const permit = await waiting
  t.equal(share.stats().inUse, 1)
  permit.release()
  permit.release()
  t.same(share.stats(), { inUse: 0, limit: 1, waiting: 0, queueLimit: Infinity })
  t.equal(inner.stats().inUse, 0)
})

t.test('rejects a limit that is not a positive integer', async (t) => {
  t.throws(() => new Semaphore(0), RangeError)
  t.throws(() => new Semaphore(1.5), RangeError)
})

t.test('stays correct through many grants and cancellations', async (t) => {
  const sem = new Semaphore(3)
  let inside = 0
  let most = 0
  const scopes: Scope[] = []
  const jobs = Array.from({ length: 3000 }, async (_, i) => {
    const scope = new Scope(60_000)
    scopes.push(scope)
    if (i % 7 === 0) setImmediate(() => scope.cancel(new Cancelled('client-closed', 'cancelled')))
    let permit
    try { permit = await sem.acquire(scope) } catch { return }
    inside++
    most = Math.max(most, inside)
    await tick()
    inside--
    permit.release()
  })
  await Promise.all(jobs)
  for (const s of scopes) s.dispose()
  t.equal(most, 3)
  t.same(sem.stats(), { inUse: 0, limit: 3, waiting: 0, queueLimit: Infinity })
})
