// After a fault: permits back to full, the pool quiet, no stray timers, no unhandled rejection or listener warning.
import type { Test } from 'tap'
import type { Agent } from 'undici'
import type { Pool } from 'undici'
import type { Built } from './build.js'

export interface LeakWatch {
  /** Waits for in-flight work to settle, then asserts nothing leaked. */
  assertClean (t: Test, built: Built): Promise<void>
}

function timers (): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
}

export function watchLeaks (t: Test): LeakWatch {
  const warnings: string[] = []
  const rejections: unknown[] = []
  const onWarning = (w: Error): void => { warnings.push(`${w.name}: ${w.message}`) }
  const onRejection = (reason: unknown): void => { rejections.push(reason) }
  process.on('warning', onWarning)
  process.on('unhandledRejection', onRejection)
  t.teardown(() => {
    process.off('warning', onWarning)
    process.off('unhandledRejection', onRejection)
  })
  const baseline = timers()
  return {
    async assertClean (t, built) {
      const limiter = built.app.upstream.limiter
      // Let aborted sockets and their callbacks run out.
      for (let i = 0; i < 50 && (limiter.stats().inUse > 0 || busy(built)); i++) await new Promise((resolve) => setTimeout(resolve, 10))
      const sem = limiter.stats()
      t.equal(sem.inUse, 0, 'every permit was released')
      t.equal(sem.waiting, 0, 'nobody is left waiting for a permit')
      // The Agent holds one Pool per origin (connections > 1).
      const stats = (built.app.upstream.dispatcher as Agent).stats as Record<string, Pool.PoolStats>
      for (const [origin, s] of Object.entries(stats)) {
        t.equal(s.size, 0, `no upstream request is still open to ${origin}`)
        t.ok(s.connected <= sem.limit, `${s.connected} sockets to ${origin}, within the pool of ${sem.limit}`)
      }
      const ours = timers() - built.upstream.pendingTimers
      t.ok(ours <= baseline + 1, `no stray timers (${ours} now besides the fake upstream's, ${baseline} before)`)
      t.same(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), [], 'no MaxListeners warning')
      t.same(rejections, [], 'no unhandled rejection')
    },
  }
}

function busy (built: Built): boolean {
  const stats = (built.app.upstream.dispatcher as Agent).stats as Record<string, Pool.PoolStats>
  return Object.values(stats).some((s) => s.size > 0)
}
