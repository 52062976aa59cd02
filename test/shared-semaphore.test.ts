// The cluster-wide limiter's wait estimate against a real redis-server: no wait while the cluster has room, waves once it is full.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import t from 'tap'
import { RedisLink } from '../src/redis/link.js'
import type { Cancellation } from '../src/upstream/cancellation.js'
import type { Permit } from '../src/upstream/limiter.js'
import { SharedSemaphore } from '../src/upstream/shared-semaphore.js'
import { hasRedis, startRedis } from './helpers/redis.js'

if (!hasRedis) t.comment('skipped: redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)')

const caller: Cancellation = { reason: undefined, remainingMs: () => Number.POSITIVE_INFINITY, addListener () {}, removeListener () {} }

t.test('a burst that finds the replica holding nothing waits a round trip, not a wave per call; a full cluster waits in waves', { skip: !hasRedis }, async (t) => {
  const redis = await startRedis(t)
  const link = new RedisLink({ url: redis.url, commandTimeoutMs: 1000, log: { warn () {}, info () {} } })
  const sem = new SharedSemaphore({ link, key: 'test:leases', limit: 8, queueLimit: 100, leaseMs: 5000, fallbackLimit: 2 })
  t.teardown(async () => {
    sem.close()
    await link.close()
  })
  // Enough held-and-released permits for the estimate to have a hold time.
  for (let i = 0; i < 50; i++) (await sem.acquire(caller)).release('ok')
  t.equal(sem.stats().inUse, 0, 'nothing held')

  // Six calls at once: they queue while Redis is asked, and the replica holds none of its permits yet.
  const burst = Array.from({ length: 6 }, () => sem.acquire(caller))
  t.equal(sem.stats().waiting, 6, 'the burst waits for Redis')
  t.equal(sem.estimateWaitMs(3), 0, 'the cluster had room at the last ask: no wait is estimated')
  const held: Permit[] = await Promise.all(burst)
  held.push(await sem.acquire(caller), await sem.acquire(caller))
  t.equal(sem.stats().inUse, 8, 'the cluster is full')

  // A ninth waits, and is asked for again until a permit comes back.
  let granted: Permit | undefined
  const ninth = sem.acquire(caller).then((p) => { granted = p })
  while (sem.estimateWaitMs(3) === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  t.ok(sem.estimateWaitMs(3)! > 0, 'once an ask comes back short, the wait is waves of the permits held')
  t.equal(granted, undefined, 'and the ninth still waits')
  held.pop()!.release('ok')
  await ninth
  t.ok(granted !== undefined, 'a released permit goes to the waiter')
  for (const p of [...held, granted!]) p.release('ok')
})

t.test('a lease asked for by a command that timed out is removed, not left to count against the cluster', { skip: !hasRedis }, async (t) => {
  const redis = await startRedis(t)
  const link = new RedisLink({ url: redis.url, commandTimeoutMs: 100, outageAfterMs: 60_000, log: { warn () {}, info () {} } })
  const key = 'test:ghosts'
  const sem = new SharedSemaphore({ link, key, limit: 8, queueLimit: 100, leaseMs: 60_000, fallbackLimit: 2 })
  t.teardown(async () => {
    sem.close()
    await link.close()
  })
  if (!link.up) await once(link.client, 'ready')
  // Redis busy for 400 ms (a script that spins on its own clock): the acquire waits behind it, times out
  // here, and still runs in Redis once the script ends.
  const spin = "local s = redis.call('TIME') while true do local n = redis.call('TIME') if (n[1] - s[1]) * 1000000 + n[2] - s[2] > 400000 then return 1 end end"
  const busy = spawn('redis-cli', ['-p', String(redis.port), 'EVAL', spin, '0'], { stdio: 'ignore' })
  const busyEnded = once(busy, 'exit')
  await new Promise((resolve) => setTimeout(resolve, 100))
  const permit = await sem.acquire(caller)
  await busyEnded
  t.ok(link.errors >= 1, 'the first ask timed out')
  t.equal(redis.cli('ZCARD', key).trim(), '1', 'the cluster counts the one permit held, not the one granted to the command that timed out')
  permit.release('ok')
})

t.test('leases Redis lost (flushed, or restarted empty) while their calls were in flight are registered again', { skip: !hasRedis }, async (t) => {
  const redis = await startRedis(t)
  const replica = (key: string, leaseMs: number): SharedSemaphore => {
    const link = new RedisLink({ url: redis.url, commandTimeoutMs: 1000, outageAfterMs: 60_000, log: { warn () {}, info () {} } })
    const sem = new SharedSemaphore({ link, key, limit: 4, queueLimit: 100, leaseMs, fallbackLimit: 2 })
    t.teardown(async () => {
      sem.close()
      await link.close()
    })
    return sem
  }
  const counted = async (key: string, n: string): Promise<boolean> => {
    for (let i = 0; i < 500 && redis.cli('ZCARD', key).trim() !== n; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    return redis.cli('ZCARD', key).trim() === n
  }
  // Redis may have run a renewal whose answer this process has not read yet.
  const lost = async (sem: SharedSemaphore, n: number): Promise<number> => {
    for (let i = 0; i < 500 && sem.lostLeases < n; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    return sem.lostLeases
  }
  // Renewed every 200 ms; and every 20 s, so that only the reconnection can register its leases in time.
  const quick = replica('test:flushed', 600)
  const slow = replica('test:restarted', 60_000)
  const held = [await quick.acquire(caller), await quick.acquire(caller), await slow.acquire(caller)]
  t.ok(await counted('test:flushed', '2'), 'the cluster counts the permits held')

  redis.cli('FLUSHALL')
  t.ok(await counted('test:flushed', '2'), 'flushed: the next renewal registers both again')
  t.equal(await lost(quick, 2), 2, 'and counts them as lost')

  await redis.kill()
  await redis.start()
  t.ok(await counted('test:restarted', '1'), 'restarted empty: registered again as soon as the connection is back')
  t.equal(await lost(slow, 1), 1)

  for (const p of held) p.release('ok')
  t.ok(await counted('test:flushed', '0') && await counted('test:restarted', '0'), 'released, they are gone: nothing is left to count against the cluster')
})

t.test('permits taken from the local share while Redis was down become leases as soon as it is back, with no new request; an idle replica leaves its share', { skip: !hasRedis }, async (t) => {
  const redis = await startRedis(t)
  const key = 'test:recovered'
  const replica = (): { link: RedisLink, sem: SharedSemaphore } => {
    const link = new RedisLink({ url: redis.url, commandTimeoutMs: 1000, log: { warn () {}, info () {} } })
    const sem = new SharedSemaphore({ link, key, limit: 4, queueLimit: 100, leaseMs: 60_000, fallbackLimit: 1 })
    t.teardown(async () => {
      sem.close()
      await link.close()
    })
    return { link, sem }
  }
  const until = async (what: () => boolean, ms = 5000): Promise<boolean> => {
    for (const end = performance.now() + ms; !what() && performance.now() < end;) await new Promise((resolve) => setTimeout(resolve, 10))
    return what()
  }
  const a = replica()
  const b = replica()
  const idle = replica()
  t.ok(await until(() => a.link.up && b.link.up && idle.link.up), 'every replica is connected')

  await redis.kill()
  t.ok(await until(() => !a.link.up && !idle.link.up), 'the replicas see Redis gone')
  // A starts a long call from its local share; the idle replica made one call and holds nothing.
  const long = await a.sem.acquire(caller)
  ;(await idle.sem.acquire(caller)).release('ok')
  t.ok(a.sem.fallingBack && idle.sem.fallingBack, 'both work from their local shares')

  await redis.start()
  t.ok(await until(() => redis.cli('ZCARD', key).trim() === '1'), 'the permit A still holds is a lease, registered without any new request')
  t.notOk(a.sem.fallingBack, 'A is back on the shared limit')
  t.ok(await until(() => !idle.sem.fallingBack), 'and so is the idle replica, without a request, once its own connection is back')
  t.equal(a.sem.stats().inUse, 1, 'A counts its one permit once')

  // B asks for the whole limit: the cluster counts A's call, so B gets three and the fourth waits for it.
  const granted: Permit[] = []
  const asks = Array.from({ length: 4 }, () => b.sem.acquire(caller).then((p) => { granted.push(p) }))
  t.ok(await until(() => granted.length === 3), 'B gets three permits')
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(granted.length, 3, 'and the fourth waits: four calls in flight across the cluster, not five')
  long.release('ok')
  await Promise.all(asks)
  t.equal(granted.length, 4, 'A\'s permit, released, goes to B')
  for (const p of granted) p.release('ok')
  t.ok(await until(() => redis.cli('ZCARD', key).trim() === '0'), 'nothing is left to count against the cluster')
})
