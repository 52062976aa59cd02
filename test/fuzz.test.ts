// Property-based fuzzing (fast-check, fixed seed, bounded runs): whatever a client sends, no 5xx and only problem documents.
import fc from 'fast-check'
import t from 'tap'
import type { Test } from 'tap'
import { errorCodes } from '../src/errors.js'
import type { ErrorCode } from '../src/errors.js'
import { build } from './helpers/build.js'
import type { Built } from './helpers/build.js'

/** Fixed, so a failure reproduces; fast-check prints the shrunk counterexample with it. */
const SEED = 20_261_125
const PATHS = ['/analyze', '/analyze/batch'] as const

/** A UTF-16 string of any code units: lone surrogates, NUL and controls included. */
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 })
/** What a header can carry on the wire: visible ASCII and spaces. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 })
  .map((s) => s.trim())

const text = fc.oneof(anyUnits, fc.lorem({ maxCount: 8 }), fc.constant(''), fc.constant('x'.repeat(250)))
const analyzeBody = fc.record({
  text: fc.oneof(text, fc.jsonValue({ maxDepth: 2 })),
  parts: fc.option(fc.array(fc.constantFrom('summary', 'entities', 'mostCommonPhrases', 'sentiment', ''), { maxLength: 4 }), { nil: undefined }),
  require: fc.option(fc.array(fc.constantFrom('summary', 'entities', 'x'), { maxLength: 3 }), { nil: undefined }),
  timeoutMs: fc.option(fc.oneof(fc.integer(), fc.double(), fc.constant(1e308), fc.string()), { nil: undefined }),
}, { requiredKeys: [] })

/** A body as sent: valid-looking JSON, any JSON, broken JSON, huge numbers, deep nesting, or raw text. */
const body = fc.oneof(
  analyzeBody.map((b) => JSON.stringify(b)),
  fc.record({ items: fc.array(fc.oneof(analyzeBody, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }), timeoutMs: fc.option(fc.jsonValue({ maxDepth: 1 }), { nil: undefined }) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  fc.json({ maxDepth: 3 }),
  fc.tuple(fc.json({ maxDepth: 2 }), fc.nat(), anyUnits).map(([json, at, junk]) => json.slice(0, at % (json.length + 1)) + junk),
  fc.bigInt({ min: -(10n ** 400n), max: 10n ** 400n }).map((n) => `{"text":"a","timeoutMs":${n}}`),
  fc.constantFrom('{"text":"a","timeoutMs":1e999}', '{"text":"a","timeoutMs":-0}', '{"text":"\\ud800"}', '{"text":"\\u0000"}', '{"__proto__":{"x":1},"text":"a"}'),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 5000 }).map((depth) => `{"text":"a","parts":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  anyUnits
)

const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json; charset=latin1',
    'application/json;charset="utf-16"', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/problem+json'),
  headerText
)
const headers = fc.record({
  'content-type': contentType,
  'x-request-id': headerText,
  'request-timeout-ms': fc.oneof(fc.nat().map(String), fc.integer().map(String), headerText, fc.constant('99999999999999999999')),
  accept: fc.oneof(fc.constantFrom('application/json', 'application/x-ndjson', 'application/jsonl', 'text/event-stream', '*/*', 'text/html',
    'application/x-ndjson;q=0.1, application/json;q=0.9', 'text/event-stream;q=0'), headerText),
  'content-encoding': fc.constantFrom('gzip', 'identity', 'br', 'x'),
}, { requiredKeys: [] })

type Answer = Awaited<ReturnType<Built['app']['inject']>>

/** No 5xx; every error a problem document with a code from the table, answering with that code's status. */
function check (res: Answer, method: string): void {
  if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body}`)
  if (res.statusCode < 400 || method === 'HEAD') return
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`${res.statusCode} is not a problem document: ${res.headers['content-type']}`)
  const problem = res.json() as { code: ErrorCode, status: number, type: string, detail: string, requestId: string }
  if (!(problem.code in errorCodes)) throw new Error(`unknown code ${problem.code}`)
  if (errorCodes[problem.code].status !== res.statusCode || problem.status !== res.statusCode) throw new Error(`${problem.code} answered ${res.statusCode}`)
  if (typeof problem.detail !== 'string' || typeof problem.requestId !== 'string' || !problem.type.startsWith('/problems/')) throw new Error(`incomplete problem ${res.body}`)
}

async function stillServes (t: Test, built: Built): Promise<void> {
  const res = await built.analyze({ text: 'Ada Lovelace worked with Charles Babbage in London.' })
  t.equal(res.status, 200, 'the service answers normally afterwards')
  t.equal(res.body.summary, 'Ada Lovelace worked with Charles Babbage in London.')
}

t.test('generated bodies to POST /analyze and /analyze/batch: no 5xx, every error a problem document with a table code', async (t) => {
  const built = await build(t, { MAX_TEXT_CHARS: 200, MAX_BATCH_ITEMS: 3, MAX_BATCH_CHARS: 400 })
  let runs = 0
  await fc.assert(fc.asyncProperty(fc.constantFrom(...PATHS), body, async (url, payload) => {
    runs++
    check(await built.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload }), 'POST')
  }), { seed: SEED, numRuns: 2000 })
  t.equal(runs >= 2000, true, `${runs} bodies`)
  t.ok(built.upstream.calls.length > 0, 'some bodies were valid and went upstream (a healthy one)')
  await stillServes(t, built)
})

t.test('generated headers and methods: no 5xx, every error a problem document with a table code', async (t) => {
  const built = await build(t, { MAX_TEXT_CHARS: 200, MAX_BATCH_ITEMS: 3, MAX_BATCH_CHARS: 400 })
  const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')
  let runs = 0
  await fc.assert(fc.asyncProperty(method, fc.constantFrom(...PATHS), headers, body, async (verb, url, given, payload) => {
    runs++
    check(await built.app.inject({ method: verb, url, headers: given, ...(verb === 'GET' || verb === 'HEAD' ? {} : { payload }) }), verb)
  }), { seed: SEED + 1, numRuns: 1500 })
  t.equal(runs >= 1500, true, `${runs} requests`)
  await stillServes(t, built)
})
