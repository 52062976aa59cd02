// The engine's one entry to its analyses: a text read once, then each requested analysis as its contract body.
import { readDocument } from './document.js'
import { nerOf } from './ner.js'
import { DEFAULT_MAX_PHRASES, mostCommonPhrasesOf } from './phrases.js'
import { summarizeDocument } from './summarize.js'

/** The contract's endpoints, by the last segment of their path. */
export const analysisKinds = ['summarize', 'ner', 'most_common_phrases'] as const
export type AnalysisKind = typeof analysisKinds[number]

export interface AnalyseOptions {
  readonly maxPhrases?: number | undefined
  /**
   * Called between steps of the work, often (every few ms of computation at most); it throws to
   * abandon the analysis, and what it throws propagates out of `analyse`.
   */
  readonly checkpoint?: (() => void) | undefined
}

/** Each requested kind's success body, exactly as the contract spells it. */
export type AnalysisBodies = { [K in AnalysisKind]?: object }

export function analyse (text: string, kinds: readonly AnalysisKind[], opts: AnalyseOptions = {}): AnalysisBodies {
  const checkpoint = opts.checkpoint ?? noop
  checkpoint()
  const doc = readDocument(text, checkpoint)
  const out: AnalysisBodies = {}
  for (const kind of kinds) {
    checkpoint()
    switch (kind) {
      case 'summarize': out.summarize = { summary: summarizeDocument(doc, {}, checkpoint) }; break
      case 'ner': out.ner = { ner: nerOf(doc, checkpoint) }; break
      // the space in the key is the contract's
      case 'most_common_phrases': out.most_common_phrases = { 'most common phrases': mostCommonPhrasesOf(doc, opts.maxPhrases ?? DEFAULT_MAX_PHRASES, checkpoint) }; break
    }
  }
  return out
}

function noop (): void {}
