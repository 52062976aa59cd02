// The assembler: outcomes in, one answer out: whole, partial, or one failure whose code's status is the answer's.
import t from 'tap'
import { assemble, failedParts, partReport } from '../../src/analyze/assemble.js'
import { errorCodes, PartFailure } from '../../src/errors.js'
import type { PartFailureCode } from '../../src/errors.js'
import type { PartName, PartOutcome } from '../../src/parts.js'

const values = { summary: 'S.', entities: [{ type: 'PERSON', text: 'Ada' }], mostCommonPhrases: ['p'] }
const ok = (part: PartName, attempts = 1): PartOutcome => ({ part, ok: true, value: values[part], durationMs: 12.34, attempts } as PartOutcome)
const fail = (part: PartName, code: PartFailureCode, opts: { retryAfterMs?: number, upstreamStatus?: number } = {}): PartOutcome =>
  ({ part, ok: false, failure: new PartFailure(code, `${part} ${code}`, opts), durationMs: 5, attempts: 1 })

t.test('every part ok: the whole analysis, durations to a tenth of a ms, unasked parts skipped', async (t) => {
  const a = assemble([ok('entities'), ok('summary', 2)], undefined, 'r1')
  t.ok(a.ok)
  if (!a.ok) return
  t.same(a.analysis, {
    summary: 'S.',
    entities: values.entities,
    mostCommonPhrases: null,
    parts: { summary: { status: 'ok', durationMs: 12.3, attempts: 2 }, entities: { status: 'ok', durationMs: 12.3, attempts: 1 }, mostCommonPhrases: { status: 'skipped' } },
    partial: false,
    requestId: 'r1',
  })
})

t.test('a failed part that is not required gives a partial 200 naming it', async (t) => {
  const a = assemble([ok('summary'), fail('entities', 'UPSTREAM_ERROR', { upstreamStatus: 500 }), ok('mostCommonPhrases')], undefined, 'r')
  t.ok(a.ok)
  if (!a.ok) return
  t.equal(a.analysis.partial, true)
  t.equal(a.analysis.entities, null)
  t.same(a.analysis.parts.entities, { status: 'error', code: 'UPSTREAM_ERROR', detail: 'entities UPSTREAM_ERROR', durationMs: 5, attempts: 1, upstreamStatus: 500 })
  t.same(failedParts(a.analysis), ['entities'])
})

t.test('a required part that fails fails the request with its own code, and every part is reported', async (t) => {
  const a = assemble([ok('summary'), fail('entities', 'UPSTREAM_TIMEOUT')], ['entities'], 'r')
  t.notOk(a.ok)
  if (a.ok) return
  t.equal(a.error.code, 'UPSTREAM_TIMEOUT')
  t.equal(a.error.status, 504)
  t.match(a.error.message, /^required part entities failed \(entities: UPSTREAM_TIMEOUT\)/)
  t.match(a.error.extensions, { parts: { summary: { status: 'ok' }, entities: { status: 'error' } } })
})

const allFailed: [string, PartFailureCode[], string][] = [
  ['one code', ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'], 'UPSTREAM_UNAVAILABLE'],
  ['two codes of one status (502)', ['UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE'], 'UPSTREAM_ERROR'],
  ['two codes of one status (504)', ['DEADLINE_EXCEEDED', 'UPSTREAM_TIMEOUT'], 'DEADLINE_EXCEEDED'],
  ['a timeout beside an open circuit', ['UPSTREAM_TIMEOUT', 'CIRCUIT_OPEN'], 'PARTS_FAILED'],
  ['a rate limit beside an upstream error', ['RATE_LIMITED', 'UPSTREAM_ERROR'], 'PARTS_FAILED'],
]
for (const [what, codes, expected] of allFailed) {
  t.test(`every part failed with ${what}: ${expected}, answered with that code's status`, async (t) => {
    const a = assemble([fail('summary', codes[0]!), fail('entities', codes[1]!)], undefined, 'r')
    t.notOk(a.ok)
    if (a.ok) return
    t.equal(a.error.code, expected)
    t.equal(a.error.status, errorCodes[expected as keyof typeof errorCodes].status, 'the status is the code\'s own')
    t.match(a.error.message, /^every requested part failed \(summary: \w+; entities: \w+\)/)
  })
}

t.test('a 503 answer carries Retry-After, the longest any part asked for', async (t) => {
  const a = assemble([fail('summary', 'CIRCUIT_OPEN', { retryAfterMs: 2500 }), fail('entities', 'RATE_LIMITED', { retryAfterMs: 7100 })], undefined, 'r')
  t.notOk(a.ok)
  if (a.ok) return
  t.equal(a.error.status, 503)
  t.equal(a.error.retryAfterS, 8)
  const plain = assemble([fail('summary', 'OVERLOADED')], undefined, 'r')
  t.equal(plain.ok ? undefined : plain.error.retryAfterS, 1, 'a 503 always says when to come back')
  const noWait = assemble([fail('summary', 'UPSTREAM_ERROR')], undefined, 'r')
  t.equal(noWait.ok ? 0 : noWait.error.retryAfterS, undefined, 'a 502 with nothing known does not invent a wait')
})

t.test('a report carries the cache status when the part has one', async (t) => {
  t.same(partReport({ ...ok('summary'), cache: 'hit' }), { status: 'ok', durationMs: 12.3, attempts: 1, cache: 'hit' })
})
