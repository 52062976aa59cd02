// The contract checks: success bodies are normalised, everything else maps to a stable code.
import t from 'tap'
import { endpoints } from '../src/upstream/endpoints.js'
import { interpret } from '../src/upstream/interpret.js'
import { PartFailure } from '../src/errors.js'
import { parseRetryAfter } from '../src/upstream/call.js'
import type { UpstreamResponse } from '../src/upstream/call.js'

const res = (status: number, body: string, contentType = 'application/json', retryAfterMs?: number): UpstreamResponse =>
  ({ status, contentType, retryAfterMs, body: Buffer.from(body) })

t.test('normalises ner pairs into {type, text} and the spaced phrases key into an array', async (t) => {
  t.same(interpret(endpoints.entities, res(200, '{"ner": [["PERSON", "Ada Lovelace"], ["GPE", "London"]], "extra": 1}')),
    [{ type: 'PERSON', text: 'Ada Lovelace' }, { type: 'GPE', text: 'London' }])
  t.same(interpret(endpoints.mostCommonPhrases, res(200, '{"most common phrases": ["analytical engine"]}')), ['analytical engine'])
  t.equal(interpret(endpoints.summary, res(200, '{"summary": "Short."}', 'application/json')), 'Short.')
  t.equal(interpret(endpoints.summary, res(200, '{"summary": ""}', 'application/problem+json')), '', 'any +json type is JSON')
})

const cases: [string, UpstreamResponse, keyof typeof endpoints, string, RegExp][] = [
  ['a 500', res(500, '{"error":"boom"}'), 'summary', 'UPSTREAM_ERROR', /answered 500/],
  ['a 401 with the key echoed', res(401, 'bad apikey sk-123', 'text/plain'), 'summary', 'UPSTREAM_ERROR', /^upstream summarize answered 401$/],
  ['an HTML error page with 200', res(200, '<html>oops</html>', 'text/html'), 'summary', 'UPSTREAM_BAD_RESPONSE', /content type "text\/html"/],
  ['no content type', res(200, '{"summary":"x"}', ''), 'summary', 'UPSTREAM_BAD_RESPONSE', /content type "none"/],
  ['broken JSON', res(200, '{"summary": "cut'), 'summary', 'UPSTREAM_BAD_RESPONSE', /malformed JSON/],
  ['a missing key', res(200, '{"text": "x"}'), 'summary', 'UPSTREAM_BAD_RESPONSE', /no "summary" key/],
  ['a key of the wrong type', res(200, '{"summary": 42}'), 'summary', 'UPSTREAM_BAD_RESPONSE', /"summary" is not a string/],
  ['a JSON array body', res(200, '[]'), 'summary', 'UPSTREAM_BAD_RESPONSE', /not a JSON object/],
  ['null', res(200, 'null'), 'entities', 'UPSTREAM_BAD_RESPONSE', /not a JSON object/],
  ['ner not an array', res(200, '{"ner": "none"}'), 'entities', 'UPSTREAM_BAD_RESPONSE', /"ner" is not an array/],
  ['a ner pair of the wrong shape', res(200, '{"ner": [["PERSON", "Ada"], ["ORG"]]}'), 'entities', 'UPSTREAM_BAD_RESPONSE', /"ner"\[1\]/],
  ['a phrase that is not a string', res(200, '{"most common phrases": ["a", 1]}'), 'mostCommonPhrases', 'UPSTREAM_BAD_RESPONSE', /\[1\] is not a string/],
  ['a 429', res(429, '', 'text/plain', 2000), 'summary', 'RATE_LIMITED', /rate-limited/],
  ['a 503 with Retry-After (the upstream shedding)', res(503, '', 'text/plain', 3000), 'summary', 'OVERLOADED', /overloaded and asked to be called again in 3 s/],
  ['a 503 without Retry-After', res(503, ''), 'summary', 'UPSTREAM_ERROR', /answered 503/],
]

for (const [what, response, part, code, message] of cases) {
  t.test(`maps ${what} to ${code}`, async (t) => {
    const err = t.throws(() => interpret(endpoints[part], response)) as PartFailure
    t.type(err, PartFailure)
    t.equal(err.code, code)
    t.match(err.message, message)
    t.equal(err.upstreamStatus, response.status)
  })
}

t.test('a 429 keeps its Retry-After and counts as transient; a 400 does not', async (t) => {
  const limited = t.throws(() => interpret(endpoints.summary, res(429, '', 'text/plain', 2000))) as PartFailure
  t.equal(limited.retryAfterMs, 2000)
  t.equal(limited.transient, true)
  const bad = t.throws(() => interpret(endpoints.summary, res(400, '{}'))) as PartFailure
  t.equal(bad.transient, false)
  for (const status of [502, 503, 504]) {
    const e = t.throws(() => interpret(endpoints.summary, res(status, '{}'))) as PartFailure
    t.equal(e.transient, true, `${status} is transient`)
  }
})

t.test('a shedding 503 is retried when its wait fits, and never counts against the breaker', async (t) => {
  const shed = t.throws(() => interpret(endpoints.summary, res(503, '', 'text/plain', 1000))) as PartFailure
  t.equal(shed.transient, true)
  t.equal(shed.fault, false)
  const broken = t.throws(() => interpret(endpoints.summary, res(503, ''))) as PartFailure
  t.equal(broken.fault, true, 'a 503 that does not say when to come back is a fault')
  const limited = t.throws(() => interpret(endpoints.summary, res(429, ''))) as PartFailure
  t.equal(limited.fault, false, 'a 429 is not a fault either')
})

t.test('parses Retry-After as seconds or as an HTTP date', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  t.equal(parseRetryAfter('3', now), 3000)
  t.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000)
  t.equal(parseRetryAfter('soon', now), undefined)
  t.equal(parseRetryAfter(undefined, now), undefined)
})
