// The core without an app: a client, limiter, pauses and guards against a fake upstream, closed at teardown.
import { Agent } from 'undici'
import type { Test } from 'tap'
import { Analyzer } from '../../src/analyze/runner.js'
import type { RetryPolicy } from '../../src/analyze/run-part.js'
import type { ResultCache } from '../../src/cache/result-cache.js'
import { partNames } from '../../src/parts.js'
import type { PartName } from '../../src/parts.js'
import { UpstreamClient } from '../../src/upstream/client.js'
import { endpoints } from '../../src/upstream/endpoints.js'
import { EndpointGuard } from '../../src/upstream/guard.js'
import type { GuardOptions } from '../../src/upstream/guard.js'
import { LocalPauses } from '../../src/upstream/pauses.js'
import { Semaphore } from '../../src/upstream/semaphore.js'
import { startFakeUpstream } from './fake-upstream.js'
import type { FakeUpstream } from './fake-upstream.js'

export interface Core {
  upstream: FakeUpstream
  client: UpstreamClient
  limiter: Semaphore
  pauses: LocalPauses
  guards: Record<PartName, EndpointGuard>
  retry: RetryPolicy
  analyzer: Analyzer
}

export async function core (t: Test, opts: { limit?: number, queueLimit?: number, retry?: Partial<RetryPolicy>, guard?: Partial<GuardOptions>, cache?: ResultCache } = {}): Promise<Core> {
  const upstream = await startFakeUpstream()
  const agent = new Agent({ keepAliveTimeout: 500 })
  t.teardown(async () => {
    await agent.close()
    await upstream.close()
  })
  const client = new UpstreamClient({ dispatcher: agent, baseUrl: upstream.url, apiKey: 'k', maxResponseBytes: 64 * 1024 })
  const limiter = new Semaphore(opts.limit ?? 8, opts.queueLimit ?? 100)
  const pauses = new LocalPauses()
  const guardOptions = { failureRatio: 0.5, minCalls: 20, windowMs: 10_000, halfOpenAfterMs: 5000, retryBudgetRatio: 1, ...opts.guard }
  const guards = Object.fromEntries(partNames.map((p) => [p, new EndpointGuard(endpoints[p].path, guardOptions)])) as Record<PartName, EndpointGuard>
  const retry = { maxAttempts: 3, baseMs: 5, capMs: 20, ...opts.retry }
  return { upstream, client, limiter, pauses, guards, retry, analyzer: new Analyzer({ client, guards, limiter, pauses, retry, cache: opts.cache, upstreamIdentity: upstream.url }) }
}
