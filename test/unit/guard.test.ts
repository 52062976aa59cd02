// The endpoint guard: a failure-rate breaker with one probe at a time, whose transitions are published.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import t from 'tap'
import type { Test } from 'tap'
import { Cancelled, PartFailure } from '../../src/errors.js'
import type { CircuitEvent } from '../../src/events.js'
import { EndpointGuard } from '../../src/upstream/guard.js'

const fault = new PartFailure('UPSTREAM_ERROR', 'boom', { upstreamStatus: 500 })
const options = { failureRatio: 0.5, minCalls: 4, windowMs: 10_000, halfOpenAfterMs: 1000, retryBudgetRatio: 0.2 }

function watchTransitions (t: Test, guard: EndpointGuard): string[] {
  const seen: string[] = []
  const onMessage = (message: unknown): void => {
    const e = message as CircuitEvent
    if (e.source === guard) seen.push(`${e.from}->${e.to}`)
  }
  subscribe('text-bff:circuit', onMessage)
  t.teardown(() => unsubscribe('text-bff:circuit', onMessage))
  return seen
}

t.test('stays closed below the minimum of calls, opens on the failure rate once there are enough', async (t) => {
  const guard = new EndpointGuard('summarize', options)
  const seen = watchTransitions(t, guard)
  const now = Date.now()
  for (let i = 0; i < 3; i++) guard.failed(fault, guard.admit(now), now)
  t.equal(guard.circuitState, 'closed', 'three failures are below the minimum of four calls')
  guard.failed(fault, guard.admit(now), now)
  t.equal(guard.circuitState, 'open')
  t.same(seen, ['closed->open'])
  const refused = t.throws(() => guard.admit(now + 200)) as PartFailure
  t.match(refused, { code: 'CIRCUIT_OPEN', retryAfterMs: 800 })
  t.equal(guard.probeInMs(now + 200), 800)
})

t.test('failures that are not the upstream\'s give no verdict', async (t) => {
  const guard = new EndpointGuard('ner', options)
  for (const err of [new Cancelled('client-closed', 'gone'), new PartFailure('OVERLOADED', 'shed', { upstreamStatus: 503, retryAfterMs: 1000 }),
    new PartFailure('RATE_LIMITED', '429', { upstreamStatus: 429 }), new PartFailure('DEADLINE_EXCEEDED', 'late')]) {
    for (let i = 0; i < 10; i++) guard.failed(err, guard.admit())
  }
  t.equal(guard.circuitState, 'closed')
})

t.test('after the open period exactly one caller probes; its success closes the circuit', async (t) => {
  const guard = new EndpointGuard('ner', options)
  const seen = watchTransitions(t, guard)
  const now = Date.now()
  for (let i = 0; i < 4; i++) guard.failed(fault, guard.admit(now), now)
  const probe = guard.admit(now + 1000)
  t.equal(probe, true, 'the first caller after the period is the probe')
  t.equal(guard.circuitState, 'half-open')
  t.throws(() => guard.admit(now + 1001), { code: 'CIRCUIT_OPEN', message: /while a probe call tests/ })
  guard.succeeded(probe)
  t.equal(guard.circuitState, 'closed')
  t.equal(guard.admit(now + 1002), false)
  t.same(seen, ['closed->open', 'open->half-open', 'half-open->closed'])
})

t.test('a failed probe reopens for another period; a probe without a verdict lets the next caller probe', async (t) => {
  const guard = new EndpointGuard('ner', options)
  const now = Date.now()
  for (let i = 0; i < 4; i++) guard.failed(fault, guard.admit(now), now)
  guard.failed(fault, guard.admit(now + 1000), now + 1000)
  t.equal(guard.circuitState, 'open')
  t.throws(() => guard.admit(now + 1500), { code: 'CIRCUIT_OPEN' }, 'a new full period after the failed probe')
  const probe = guard.admit(now + 2000)
  guard.failed(new Cancelled('client-closed', 'gone'), probe, now + 2000)
  t.equal(guard.circuitState, 'open')
  t.equal(guard.admit(now + 2001), true, 'the next caller probes at once')
})
