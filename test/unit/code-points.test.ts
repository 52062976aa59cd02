// Code points, and minLength/maxLength counted in them: exactly what ajv's own keywords decide, with the same errors.
import fc from 'fast-check'
import t from 'tap'
import { Ajv } from 'ajv'
import { codePointLengths, codePoints } from '../../src/code-points.js'

// Units that make surrogate pairs, lone surrogates (either half) and plain characters, mixed.
const unit = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0xd800, max: 0xdbff }),
  fc.integer({ min: 0xdc00, max: 0xdfff }),
  fc.integer({ min: 0, max: 0xffff })
).map((c) => String.fromCharCode(c))
const text = fc.oneof(fc.string({ unit, maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 12 }))

t.test('codePoints counts a surrogate pair once and anything else, a lone surrogate too, once', async () => {
  fc.assert(fc.property(text, (s) => codePoints(s) === [...s].length), { seed: 20261203, numRuns: 5000 })
})

t.test('minLength and maxLength accept and refuse exactly what ajv\'s own do, with the same error', async () => {
  const ours = codePointLengths(new Ajv({ allErrors: false, strict: false }))
  const theirs = new Ajv({ allErrors: false, strict: false })
  const limits = fc.record({ minLength: fc.integer({ min: 0, max: 14 }), maxLength: fc.integer({ min: 0, max: 14 }) }, { requiredKeys: [] })
  fc.assert(fc.property(limits, fc.array(text, { minLength: 1, maxLength: 8 }), (limit, samples) => {
    const schema = { type: 'object', properties: { text: { type: 'string', ...limit } } }
    const a = ours.compile(schema)
    const b = theirs.compile(schema)
    for (const s of samples) {
      const okA = a({ text: s })
      const okB = b({ text: s })
      if (okA !== okB) return false
      if (!okA && JSON.stringify(a.errors) !== JSON.stringify(b.errors)) return false
    }
    return true
  }), { seed: 20261203, numRuns: 600 })
})
