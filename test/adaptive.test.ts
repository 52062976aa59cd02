// The adaptive limit: against an upstream that refuses (429) whatever exceeds K calls in flight, the ceiling settles near K.
import t from 'tap'
import type { Test } from 'tap'
import { AdaptiveLimiter } from '../src/upstream/adaptive.js'
import { Semaphore } from '../src/upstream/semaphore.js'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'
import { startLimitedUpstream } from './helpers/limited-upstream.js'
import type { LimitedUpstream } from './helpers/limited-upstream.js'

const K = 8
let sent = 0

/**
 * Runs single-part requests, `concurrency` at a time: until `warm()` holds (checked as each request
 * starts; at most `maxWarmup` requests), then `measured` more. Returns the upstream's 429 share over
 * the measured ones, and at which request warm-up ended.
 */
async function drive (built: Built, upstream: LimitedUpstream, concurrency: number, warm: () => boolean, maxWarmup: number, measured: number) {
  let next = 0
  let total = maxWarmup + measured
  let mark: { at: number, calls: number, overloaded: number } | undefined
  const statuses = new Map<number, number>()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      if (mark === undefined && (warm() || next === maxWarmup)) {
        mark = { at: next, calls: upstream.calls, overloaded: upstream.overloaded }
        total = next + measured
      }
      next++
      const counted = mark !== undefined
      const res = await built.analyze({ text: `Adaptive text ${++sent}.`, parts: ['summary'] })
      if (counted) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
    }
  }))
  const calls = upstream.calls - mark!.calls
  return { share: (upstream.overloaded - mark!.overloaded) / calls, calls, statuses, warmedAt: mark!.at }
}

async function against (t: Test, adaptive: boolean, delayMs = 20) {
  // The upstream runs on a thread of its own (see limited-upstream.ts); the service and this client share this one.
  const upstream = await startLimitedUpstream(K, delayMs)
  t.teardown(() => upstream.close())
  const built = await build(t, { TEXT_API_URL: upstream.url, UPSTREAM_CONCURRENCY: 64, UPSTREAM_ADAPTIVE: adaptive, REQUEST_TIMEOUT_MS: 30_000, UPSTREAM_RETRY_BUDGET_RATIO: 1, CACHE: false })
  // Warm once the ceiling has come down from 64 to K. It falls at most once per call time, and a loaded
  // machine stretches that: beside bench-smoke's load the descent outlasted a fixed 300-request warm-up,
  // and its refusals (four in five calls at a ceiling of 44) read as 21-29 % of the measured calls.
  const warm = adaptive ? () => built.app.upstream.limits.adaptive!.ceiling <= K : () => false
  return { built, result: await drive(built, upstream, 96, warm, adaptive ? 1000 : 300, 900) }
}

t.test(`with the adaptive limit, the share of 429s stays under 5 % once the ceiling has come down to K (upstream limit K = ${K}, configured 64)`, async (t) => {
  const { built, result } = await against(t, true)
  t.ok(result.warmedAt < 1000, `the ceiling came down to K within ${result.warmedAt} requests`)
  t.ok(result.share < 0.05, `${(result.share * 100).toFixed(1)} % of ${result.calls} calls were refused`)
  const ceiling = built.app.upstream.limits.adaptive!.ceiling
  t.ok(ceiling >= K / 2 && ceiling <= K + 2, `the ceiling settled near K (${ceiling})`)
  // A request whose three attempts all met a refusal fails; that must stay rare.
  t.ok((result.statuses.get(200) ?? 0) >= 891, `${result.statuses.get(200)} of the 900 measured requests were served`)
})

t.test('without it, the upstream refuses a much larger share', async (t) => {
  // Calls of 100 ms: the client and the service share one event loop here, and beside stress-ng a
  // starved loop with 20 ms calls kept barely K in flight (4.1 % refused, adaptive or not).
  // Longer calls keep the 96 requests' demand in flight, so only the limit decides the share.
  const { result } = await against(t, false, 100)
  t.ok(result.share > 0.15, `${(result.share * 100).toFixed(1)} % of ${result.calls} calls were refused`)
})

t.test('the ceiling falls by a factor on overload at most once per call time, rises by one per three ceilings of successes, and ignores abandoned calls', async (t) => {
  let clock = 0
  const limiter = new AdaptiveLimiter(new Semaphore(100), 16, () => clock)
  const call = async (outcome: 'ok' | 'overload' | 'dropped' | 'failed', ms = 0): Promise<void> => {
    const permit = limiter.tryAcquire()!
    clock += ms
    permit.release(outcome)
  }
  await call('ok', 5)
  t.equal(limiter.ceiling, 16, 'never above the configured limit')
  await call('overload')
  t.equal(limiter.ceiling, 11, '16 x 0.7')
  await call('overload')
  t.equal(limiter.ceiling, 11, 'a second refusal from the same moment counts once')
  clock += 10
  await call('overload')
  t.equal(limiter.ceiling, 7, 'after a call time, it counts again')
  for (let i = 0; i < 20; i++) await call('dropped')
  for (let i = 0; i < 20; i++) await call('failed')
  t.equal(limiter.ceiling, 7, 'abandoned and failed calls say nothing of load')
  for (let i = 0; i < 23; i++) await call('ok')
  t.equal(limiter.ceiling, 8, 'three ceilings of successes add one')
  t.equal(limiter.stats().limit, 8)
  // A call held through a 5 s stall of the process does not space the next decreases by half a second.
  await call('ok', 5000)
  const before = limiter.ceiling
  clock += 20
  await call('overload')
  const after = limiter.ceiling
  t.ok(after < before, `a refusal after the stall counts (${before} to ${after})`)
  clock += 20
  await call('overload')
  t.ok(limiter.ceiling < after, `and so does the next one, a call time later (${after} to ${limiter.ceiling})`)
})

t.test('a deadline the client chose is not an overload signal; the service\'s own deadline passing is', async (t) => {
  // Calls take 300 ms; each request's deadline passes during its call, one after another.
  const descend = async (env: Record<string, unknown>, body: Record<string, unknown>) => {
    const built = await build(t, { UPSTREAM_CONCURRENCY: 64, UPSTREAM_ADAPTIVE: true, CACHE: false, ...env })
    built.upstream.script('*', { kind: 'ok', delayMs: 300 })
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await built.analyze({ text: `Deadline text ${++sent}.`, parts: ['summary'], ...body })).status)
    return { statuses, ceiling: built.app.upstream.limits.adaptive!.ceiling }
  }
  const chosen = await descend({ REQUEST_TIMEOUT_MS: 30_000 }, { timeoutMs: 40 })
  t.same(chosen.statuses, [504, 504, 504, 504, 504, 504], 'each call is cut by the client\'s deadline')
  t.equal(chosen.ceiling, 64, 'the client\'s own 40 ms deadline leaves the ceiling alone')
  const own = await descend({ REQUEST_TIMEOUT_MS: 40 }, {})
  t.same(own.statuses, [504, 504, 504, 504, 504, 504], 'each call is cut by the service\'s deadline')
  t.ok(own.ceiling < 64, `the service's own 40 ms deadline lowers it (to ${own.ceiling})`)
})
