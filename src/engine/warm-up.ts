// Runs each analysis once on a short text, so the first real request does not pay for JIT and lazy loading.
import { ner } from './analyses/ner.js'
import { mostCommonPhrases } from './analyses/phrases.js'
import { summarize } from './analyses/summarize.js'

const SAMPLE = 'Ada Lovelace met Charles Babbage in London on 5 June 1833. ' +
  'She wrote the first published algorithm for his Analytical Engine. ' +
  'Acme Corp paid $2.5 million, about 15% more than planned, for her notes.'

export function warmUp (): void {
  summarize(SAMPLE)
  ner(SAMPLE)
  mostCommonPhrases(SAMPLE)
}
