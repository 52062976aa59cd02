// The parts of an analysis, each part's value and outcome: the service's vocabulary, named once.
import type { PartFailure } from './errors.js'

export interface Entity {
  type: string
  text: string
}

/** Each part's value, as the service answers it. */
export interface PartValues {
  summary: string
  entities: Entity[]
  mostCommonPhrases: string[]
}

export type PartName = keyof PartValues

/** In answer order. Adding a part: here, its endpoint in upstream/endpoints.ts, its schema in schemas.ts. */
export const partNames = ['summary', 'entities', 'mostCommonPhrases'] as const satisfies readonly PartName[]

/** How a part's cached value was found (the cache issue fills this in); `bypass` when the cache was not read. */
export type CacheStatus = 'hit' | 'miss' | 'stale' | 'collapsed' | 'bypass'

interface OutcomeFacts<P extends PartName> {
  part: P
  /** ms from the request's start to the part's end. */
  durationMs: number
  /** Upstream attempts made for this part by this request (0 when served without a call). */
  attempts: number
  cache?: CacheStatus | undefined
}

/** One part's end: its value, or why it has none. */
export type PartOutcome<P extends PartName = PartName> =
  | OutcomeFacts<P> & { ok: true, value: PartValues[P] }
  | OutcomeFacts<P> & { ok: false, failure: PartFailure }
