// @ts-check
// The body validation of /analyze, in µs a request: ajv's own minLength/maxLength against the service's (src/code-points.ts).
// npm run bench:validation (builds first). In-process and single-threaded: the median of 7 runs (200 000 validations each, 2 000 for the longest text).
import { Ajv } from 'ajv'
import { codePointLengths } from '../dist/code-points.js'
import { analyzeBody } from '../dist/schemas.js'
import { paragraph } from './lib/payload.js'

const MAX_TEXT_CHARS = 50_000
const schema = analyzeBody(MAX_TEXT_CHARS, 10_000)
const options = { coerceTypes: false, removeAdditional: false, allErrors: false, strict: false }
const validators = {
  'ajv minLength/maxLength': new Ajv(options).compile(schema),
  'code-points.ts': codePointLengths(new Ajv(options)).compile(schema),
}
const texts = {
  [`bench paragraph (${paragraph.length} characters)`]: (/** @type {number} */ i) => `${paragraph} Request ${i}.`,
  [`${MAX_TEXT_CHARS} characters (the default limit)`]: (/** @type {number} */ i) => `${String(i).padEnd(MAX_TEXT_CHARS - paragraph.length, ' x')}${paragraph}`.slice(0, MAX_TEXT_CHARS),
}

/** @param {(body: unknown) => boolean} validate @param {unknown[]} bodies @param {number} count */
function microsPerCall (validate, bodies, count) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) if (!validate(bodies[i % bodies.length])) throw new Error('a valid body was refused')
  return Number(process.hrtime.bigint() - start) / count / 1000
}

console.log(`node ${process.version}`)
for (const [label, make] of Object.entries(texts)) {
  // Distinct strings, parsed from JSON as a request's are.
  const bodies = Array.from({ length: 64 }, (_, i) => JSON.parse(JSON.stringify({ text: make(i) })))
  const count = label.startsWith('bench') ? 200_000 : 2_000
  for (const [name, validate] of Object.entries(validators)) {
    microsPerCall(validate, bodies, count)
    const runs = Array.from({ length: 7 }, () => microsPerCall(validate, bodies, count)).sort((a, b) => a - b)
    console.log(`${label.padEnd(42)} ${name.padEnd(24)} ${runs[3].toFixed(3).padStart(9)} µs`)
  }
}
