// The result cache's memory tier: what it counts, what it keeps parsed, and the text its keys are made of.
import fc from 'fast-check'
import t from 'tap'
import { toNfc } from '../../src/cache/keys.js'
import { ResultCache } from '../../src/cache/result-cache.js'

const DAY = 86_400_000

t.test('a value read once is kept parsed: later reads get the same value, and its size counts it', async (t) => {
  const cache = new ResultCache({ ttlMs: DAY, staleIfErrorMs: DAY, maxBytes: 1 << 20, maxEntryBytes: 1 << 20 })
  const value = [{ type: 'PERSON', text: 'Ada Lovelace' }, { type: 'GPE', text: 'London' }]
  cache.store('k', value)
  const stored = cache.memoryBytes
  t.ok(stored > 0)
  const first = cache.peek('k').fresh?.value
  t.same(first, value)
  t.not(first, value, 'what was stored is its JSON text, not the caller\'s object')
  t.ok(cache.memoryBytes > stored, 'the parsed value is counted once it is held')
  const read = cache.memoryBytes
  t.equal(cache.peek('k').fresh?.value, first, 'the second read parses nothing')
  t.equal(cache.memoryBytes, read)
})

t.test('an entry too large to keep parsed stays, and is parsed on each read', async (t) => {
  // The JSON text fits within the bound; text and parsed value together would not.
  const value = 'x'.repeat(300)
  const cache = new ResultCache({ ttlMs: DAY, staleIfErrorMs: DAY, maxBytes: 1 << 20, maxEntryBytes: 1000 })
  cache.store('k', value)
  const a = cache.peek('k').fresh?.value
  const b = cache.peek('k').fresh?.value
  t.equal(a, value)
  t.equal(b, value)
  t.equal(cache.peek('k').fresh?.value, value, 'still there after reads')
})

t.test('keeping a value parsed does not extend its life', async (t) => {
  let now = 0
  const cache = new ResultCache({ ttlMs: 1000, staleIfErrorMs: 1000, maxBytes: 1 << 20, maxEntryBytes: 1 << 20, now: () => now })
  cache.store('k', ['a'])
  now = 500
  t.ok(cache.peek('k').fresh)
  now = 1500
  t.same(cache.peek('k'), { stale: { value: ['a'], storedAt: 0 } }, 'past its TTL: stale, though read at 500')
})

t.test('toNfc is String.prototype.normalize("NFC"), whatever the text', async () => {
  // Below U+0300 the fast path; around it, combining marks, Hangul, surrogates and every plane.
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0x2ff }),
    fc.integer({ min: 0x300, max: 0x36f }),
    fc.integer({ min: 0x1100, max: 0x11ff }),
    fc.integer({ min: 0xac00, max: 0xd7a3 }),
    fc.integer({ min: 0, max: 0xffff })
  ).map((c) => String.fromCharCode(c))
  fc.assert(fc.property(fc.string({ unit, maxLength: 30 }), (s) => toNfc(s) === s.normalize('NFC')), { seed: 20261203, numRuns: 5000 })
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => toNfc(s) === s.normalize('NFC')), { seed: 20261203, numRuns: 2000 })
})
