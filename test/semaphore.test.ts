// The semaphore: limit, FIFO order, cancelled waiters leave the queue, release counts once, bounded queue.
import t from 'tap'
import { QueueFullError, Semaphore } from '../src/upstream/semaphore.js'
import { Scope } from '../src/analyze/scope.js'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

t.test('never grants more than the limit at once', async (t) => {
  const sem = new Semaphore(2)
  const a = await sem.acquire()
  const b = await sem.acquire()
  let third = false
  const c = sem.acquire().then((p) => { third = true; return p })
  await tick()
  t.equal(sem.inFlight, 2)
  t.equal(sem.waiting, 1)
  t.equal(third, false, 'the third caller waits')
  a.release()
  const p = await c
  t.equal(third, true)
  t.equal(sem.inFlight, 2)
  b.release()
  p.release()
  t.equal(sem.inFlight, 0)
})

t.test('grants waiters first come, first served', async (t) => {
  const sem = new Semaphore(1)
  const held = await sem.acquire()
  const order: number[] = []
  const waits = [1, 2, 3, 4].map((n) => sem.acquire().then((p) => { order.push(n); p.release() }))
  held.release()
  await Promise.all(waits)
  t.same(order, [1, 2, 3, 4])
  t.equal(sem.inFlight, 0)
})

t.test('a waiter whose request is cancelled leaves the queue and never gets a permit', async (t) => {
  const sem = new Semaphore(1)
  const held = await sem.acquire()
  const scope = new Scope(60_000)
  const cancelled = sem.acquire(scope)
  const next = sem.acquire()
  t.equal(sem.waiting, 2)
  scope.cancel(new Error('client went away'))
  await t.rejects(cancelled, { message: 'client went away' })
  t.equal(sem.waiting, 1, 'the cancelled waiter left at once')
  held.release()
  const permit = await next
  t.equal(sem.inFlight, 1, 'the permit went to the live waiter')
  permit.release()
  t.equal(sem.inFlight, 0)
  t.equal(sem.waiting, 0)
})

t.test('acquiring with an already-cancelled scope rejects without queueing', async (t) => {
  const sem = new Semaphore(1)
  const held = await sem.acquire()
  const scope = new Scope(60_000)
  scope.cancel(new Error('too late'))
  await t.rejects(sem.acquire(scope), { message: 'too late' })
  t.equal(sem.waiting, 0)
  held.release()
})

t.test('a permit released twice counts once', async (t) => {
  const sem = new Semaphore(2)
  const a = await sem.acquire()
  const b = await sem.acquire()
  a.release()
  a.release()
  t.equal(sem.inFlight, 1, 'the second release of a did not free b\'s permit')
  b.release()
  t.equal(sem.inFlight, 0)
  t.equal(sem.tryAcquire() !== undefined, true)
})

t.test('refuses at once when the queue is full', async (t) => {
  const sem = new Semaphore(1, 2)
  const held = await sem.acquire()
  const w1 = sem.acquire()
  const w2 = sem.acquire()
  await t.rejects(sem.acquire(), QueueFullError)
  t.equal(sem.waiting, 2)
  held.release()
  ;(await w1).release()
  ;(await w2).release()
  t.equal(sem.inFlight, 0)
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
    if (i % 7 === 0) setImmediate(() => scope.cancel(new Error('cancelled')))
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
  t.equal(sem.inFlight, 0)
  t.equal(sem.waiting, 0)
})
