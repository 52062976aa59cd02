// Runs the three analyses once on a short text, so the first real request does not pay for JIT and lazy loading.
import { analyse, analysisKinds } from './analyses/index.js'

// A headline, a byline, names, places, amounts and dates: every rule's path is taken once.
const SAMPLE = 'Acme Corp Buys Robot Maker\n\nBy Jane Doe\n\n' +
  'Ada Lovelace met Charles Babbage in London on 5 June 1833. ' +
  'She wrote the first published algorithm for his Analytical Engine. ' +
  'Acme Corp, a Chennai-based firm, paid $2.5m, about 15% more than planned, for her notes; Lovelace said in 1843 that ' +
  'the Engine "weaves algebraic patterns" for the British Association.'

export function warmUp (): void {
  analyse(SAMPLE, analysisKinds)
}
