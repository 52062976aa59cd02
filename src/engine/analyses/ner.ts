// Named entities with spaCy's OntoNotes labels, from rules and word lists over the document's tokens.
import { readDocument } from './document.js'
import type { Document } from './document.js'
import { nameEntities } from './names.js'
import { numericEntities } from './numeric.js'
import type { Match } from './numeric.js'
import { tokensOf } from './tokens.js'
import type { Tokens } from './tokens.js'
import { worksOfArt } from './works.js'

export const EntityLabel = {
  PERSON: 'PERSON',
  NORP: 'NORP',
  FAC: 'FAC',
  ORG: 'ORG',
  GPE: 'GPE',
  LOC: 'LOC',
  PRODUCT: 'PRODUCT',
  EVENT: 'EVENT',
  WORK_OF_ART: 'WORK_OF_ART',
  LAW: 'LAW',
  LANGUAGE: 'LANGUAGE',
  DATE: 'DATE',
  TIME: 'TIME',
  PERCENT: 'PERCENT',
  MONEY: 'MONEY',
  QUANTITY: 'QUANTITY',
  ORDINAL: 'ORDINAL',
  CARDINAL: 'CARDINAL'
} as const
export type EntityLabel = typeof EntityLabel[keyof typeof EntityLabel]

export type Entity = [label: EntityLabel, text: string]

export function ner (text: string): Entity[] {
  return nerOf(readDocument(text))
}

/**
 * The same, from a document already read (the three analyses of one text share it). Works of art
 * (quoted titles) first, then numbers and dates, then names in what is left: every rule looks a
 * bounded number of tokens ahead, so the whole is linear in the text.
 */
export function nerOf (doc: Document, checkpoint: () => void = noop): Entity[] {
  const t = tokensOf(doc, checkpoint)
  checkpoint()
  const taken = new Uint8Array(t.length)
  const matches: Match[] = []
  const keep = (found: readonly Match[]): void => {
    for (const m of found) {
      let free = true
      for (let i = m.first; i < m.end && free; i++) free = taken[i] === 0
      if (!free) continue
      taken.fill(1, m.first, m.end)
      matches.push(m)
    }
  }
  keep(worksOfArt(t, checkpoint))
  keep(numericEntities(t, checkpoint))
  keep(nameEntities(t, taken, checkpoint))
  matches.sort((a, b) => a.first - b.first)

  const entities: Entity[] = []
  const seen = new Set<string>()
  for (const [i, m] of matches.entries()) {
    if ((i & 255) === 0) checkpoint()
    const surface = surfaceOf(t, m)
    if (surface === '') continue
    const key = `${m.label}\u0000${surface}`
    if (seen.has(key)) continue
    seen.add(key)
    entities.push([m.label as EntityLabel, surface])
  }
  return entities
}

/** The entity as written, single-spaced and never padded, without a sentence's full stop that wink left on an abbreviation. */
function surfaceOf (t: Tokens, m: Match): string {
  const start = t.starts[m.first] ?? 0
  let end = t.ends[m.end - 1] ?? start
  const last = t.words[m.end - 1] ?? ''
  // an amount's scale never takes a full stop ("$225M."); a name's abbreviation keeps it inside a sentence
  const numeric = m.label === 'MONEY' || m.label === 'CARDINAL' || m.label === 'QUANTITY'
  if (/^[^.]+\.$/u.test(last) && (numeric || m.end >= t.length || (t.opens[m.end] ?? false))) end--
  return t.text.slice(start, end).replace(/\s+/gu, ' ').trim()
}

function noop (): void {}
