// The contract's three endpoints, by the last segment of the request path; named here without loading the analyses.
import type { AnalysisKind } from './analyses/index.js'

/** In the order an analysis computes them; the same strings as the analyses' kinds. */
export const endpointKinds = ['summarize', 'ner', 'most_common_phrases'] as const satisfies readonly AnalysisKind[]

// Fails to compile if the analyses gain a kind this list lacks. A type import, so the main thread
// never loads the models: only the workers do.
const everyKind: Exclude<AnalysisKind, typeof endpointKinds[number]> extends never ? true : never = true
void everyKind

/** GET <any prefix>/_stats: the underscore keeps it apart from any endpoint's name. */
export const STATS_SEGMENT = '_stats'

export function kindOf (segment: string): AnalysisKind | undefined {
  return (endpointKinds as readonly string[]).includes(segment) ? segment as AnalysisKind : undefined
}
