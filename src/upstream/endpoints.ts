// The upstream adapter's map: each part's Text API endpoint, and the checks that turn its body into the part's value.
import { PartFailure } from '../errors.js'
import type { Entity, PartName, PartValues } from '../parts.js'

export interface Endpoint<P extends PartName> {
  /** The path segment after the base URL. */
  readonly path: string
  /** Checks a parsed success body against the contract and returns the normalised value. */
  normalise (json: unknown): PartValues[P]
}

export const endpoints: { readonly [P in PartName]: Endpoint<P> } = {
  summary: {
    path: 'summarize',
    normalise (json) {
      const summary = field(json, 'summary')
      if (typeof summary !== 'string') throw mismatch('"summary" is not a string')
      return summary
    },
  },
  entities: {
    path: 'ner',
    normalise (json) {
      const pairs = field(json, 'ner')
      if (!Array.isArray(pairs)) throw mismatch('"ner" is not an array')
      const entities = new Array<Entity>(pairs.length)
      for (let i = 0; i < pairs.length; i++) {
        const pair: unknown = pairs[i]
        if (!Array.isArray(pair) || pair.length < 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
          throw mismatch(`"ner"[${i}] is not a [label, text] pair of strings`)
        }
        entities[i] = { type: pair[0], text: pair[1] }
      }
      return entities
    },
  },
  mostCommonPhrases: {
    path: 'most_common_phrases',
    normalise (json) {
      const phrases = field(json, 'most common phrases')
      if (!Array.isArray(phrases)) throw mismatch('"most common phrases" is not an array')
      for (let i = 0; i < phrases.length; i++) {
        if (typeof phrases[i] !== 'string') throw mismatch(`"most common phrases"[${i}] is not a string`)
      }
      return phrases as string[]
    },
  },
}

function field (json: unknown, key: string): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw mismatch('body is not a JSON object')
  if (!Object.hasOwn(json, key)) throw mismatch(`body has no "${key}" key`)
  return (json as Record<string, unknown>)[key]
}

function mismatch (what: string): PartFailure {
  return new PartFailure('UPSTREAM_BAD_RESPONSE', `upstream body breaks the contract: ${what}`, { upstreamStatus: 200 })
}
