// The contract's three endpoints, by the last segment of the request path, each a pure function of the text.
import { ner } from './analyses/ner.js'
import { DEFAULT_MAX_PHRASES, mostCommonPhrases } from './analyses/phrases.js'
import { summarize } from './analyses/summarize.js'

export type Endpoint = (text: string) => object

export interface EndpointOptions {
  readonly maxPhrases?: number | undefined
}

export function createEndpoints (opts: EndpointOptions = {}): ReadonlyMap<string, Endpoint> {
  const maxPhrases = opts.maxPhrases ?? DEFAULT_MAX_PHRASES
  return new Map<string, Endpoint>([
    ['summarize', (text) => ({ summary: summarize(text) })],
    ['ner', (text) => ({ ner: ner(text) })],
    // the space in the key is the contract's
    ['most_common_phrases', (text) => ({ 'most common phrases': mostCommonPhrases(text, maxPhrases) })]
  ])
}
