// The retry budget: retries stay a bounded share of calls over the window, and the window slides.
import t from 'tap'
import { RetryBudget } from '../src/upstream/retry-budget.js'

t.test('allows retries up to the ratio of calls plus the floor, then refuses', async (t) => {
  const now = 1_000_000
  const budget = new RetryBudget({ ratio: 0.2, windowMs: 10_000, minPerWindow: 3, now })
  for (let i = 0; i < 100; i++) budget.recordCall(now)
  let granted = 0
  for (let i = 0; i < 100; i++) if (budget.tryRetry(now)) granted++
  t.equal(granted, 23, '20 % of 100 calls, plus 3')
})

t.test('forgets calls and retries once they leave the window', async (t) => {
  const start = 1_000_000
  const budget = new RetryBudget({ ratio: 0.1, windowMs: 10_000, minPerWindow: 0, now: start })
  for (let i = 0; i < 50; i++) budget.recordCall(start)
  while (budget.tryRetry(start));
  t.equal(budget.tryRetry(start + 5000), false, 'still spent halfway through the window')
  t.equal(budget.tryRetry(start + 11_000), false, 'the calls left with the retries: nothing to retry against')
  for (let i = 0; i < 10; i++) budget.recordCall(start + 11_000)
  t.equal(budget.tryRetry(start + 11_000), true, 'new calls earn new retries')
  t.equal(budget.tryRetry(start + 11_000), false)
})

t.test('rejects a ratio outside [0, 1]', async (t) => {
  t.throws(() => new RetryBudget({ ratio: 1.5 }), RangeError)
})
