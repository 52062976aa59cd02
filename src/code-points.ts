// Characters as the service counts them (code points), and ajv's minLength and maxLength counted the same way without scanning every text.
import { _, str } from 'ajv'
import type { Ajv, KeywordCxt } from 'ajv'

/*
 * Hand-written: ajv counts a string's characters for minLength and maxLength with ucs2length, a loop over
 * every UTF-16 unit, once per keyword. A text of /analyze has both, so each request scanned its text
 * twice: the whole body validation took 6.2 µs for the bench's 630-character text and 483 µs for one
 * at the default limit of 50 000 characters; with these keywords, 0.11 and 0.09 µs (npm run
 * bench:validation, Node 20, the 2-vCPU VM of the README's figures). A string has at most as many code
 * points as UTF-16 units and at least half as many, so its length alone decides unless it is near a
 * limit; only then are code points counted. The keywords keep their names, limits and errors: the
 * OpenAPI document, the problem details and every client see no difference.
 */

/** Code points: a surrogate pair is one character, as the text limit and the quota count them. */
export function codePoints (text: string): number {
  let pairs = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++
        i++
      }
    }
  }
  return text.length - pairs
}

/** Replaces ajv's minLength and maxLength with the same keywords, counted as above; returns `ajv`. */
export function codePointLengths (ajv: Ajv): Ajv {
  ajv.removeKeyword('minLength')
  ajv.removeKeyword('maxLength')
  ajv.addKeyword({
    keyword: ['maxLength', 'minLength'],
    type: 'string',
    schemaType: 'number',
    error: {
      message: ({ keyword, schemaCode }) => str`must NOT have ${keyword === 'maxLength' ? 'more' : 'fewer'} than ${schemaCode} characters`,
      params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
    },
    code (cxt: KeywordCxt) {
      const { keyword, data, schemaCode, gen } = cxt
      const count = gen.scopeValue('func', { ref: codePoints })
      cxt.fail(keyword === 'maxLength'
        ? _`${data}.length > ${schemaCode} && ${count}(${data}) > ${schemaCode}`
        : _`${data}.length < 2 * ${schemaCode} && ${count}(${data}) < ${schemaCode}`)
    },
  })
  return ajv
}
