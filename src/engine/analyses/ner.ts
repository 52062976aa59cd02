// Named entities with spaCy labels: names and places from compromise, dates and numbers from wink-nlp.
import nlp from 'compromise'
import { readDocument, spanText } from './document.js'
import type { Document } from './document.js'

export const EntityLabel = {
  PERSON: 'PERSON',
  ORG: 'ORG',
  GPE: 'GPE',
  LOC: 'LOC',
  NORP: 'NORP',
  DATE: 'DATE',
  TIME: 'TIME',
  MONEY: 'MONEY',
  PERCENT: 'PERCENT',
  CARDINAL: 'CARDINAL',
  ORDINAL: 'ORDINAL'
} as const
export type EntityLabel = typeof EntityLabel[keyof typeof EntityLabel]

export type Entity = [label: EntityLabel, text: string]

interface Candidate {
  readonly label: EntityLabel
  /** UTF-16 offsets into the text, end exclusive */
  readonly start: number
  readonly end: number
}

// The part of compromise's json() output read here.
interface TermJson {
  readonly post: string
  readonly tags: readonly string[]
  /** present once the document's offsets are computed */
  readonly offset?: { readonly start: number, readonly length: number }
}
interface MatchJson { readonly terms: readonly TermJson[] }

const WINK_LABELS: Readonly<Record<string, EntityLabel>> = {
  DATE: EntityLabel.DATE,
  TIME: EntityLabel.TIME,
  MONEY: EntityLabel.MONEY,
  PERCENT: EntityLabel.PERCENT,
  CARDINAL: EntityLabel.CARDINAL,
  ORDINAL: EntityLabel.ORDINAL,
  // spaCy files "3 days" under DATE and "30 hours" under TIME; wink calls both DURATION
  DURATION: EntityLabel.DATE
}
const CLOCK_UNITS = /\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b/iu
const POLITICAL = new Set(['Country', 'City', 'Region'])
const POSSESSIVE = /['’]s$/u

export function ner (text: string): Entity[] {
  return nerOf(readDocument(text))
}

/** The same, from a document already read (the three analyses of one text share it). */
export function nerOf (doc: Document): Entity[] {
  const text = doc.text
  const candidates = [...fromCompromise(text), ...fromWink(doc)]
  // Earliest first, longest first at the same start; a later overlapping span loses.
  candidates.sort((a, b) => a.start - b.start || b.end - a.end)
  const entities: Entity[] = []
  const seen = new Set<string>()
  let reached = 0
  for (const c of candidates) {
    if (c.start < reached) continue
    reached = c.end
    const surface = text.slice(c.start, c.end).replace(/\s+/gu, ' ')
    const key = `${c.label}\u0000${surface}`
    if (seen.has(key)) continue
    seen.add(key)
    entities.push([c.label, surface])
  }
  return entities
}

function fromCompromise (text: string): Candidate[] {
  const doc = nlp(text)
  // Offsets once for the whole document: json({ offset: true }) recomputes them for every match,
  // which made a 1 MB text take a minute instead of seconds.
  doc.compute('offset')
  const matches = (view: { json: () => unknown }): TermJson[][] => (view.json() as MatchJson[]).flatMap(split)
  return [
    ...matches(doc.people())
      .map((terms) => terms.filter((t) => !t.tags.includes('Honorific')))
      .flatMap((terms) => toCandidate(text, EntityLabel.PERSON, terms)),
    ...matches(doc.organizations())
      .flatMap((terms) => toCandidate(text, EntityLabel.ORG, terms)),
    ...matches(doc.places()).flatMap((terms) => toCandidate(text,
      terms.some((t) => t.tags.some((tag) => POLITICAL.has(tag))) ? EntityLabel.GPE : EntityLabel.LOC, terms)),
    ...matches(doc.match('#Demonym'))
      .flatMap((terms) => toCandidate(text, EntityLabel.NORP, terms))
  ]
}

/** compromise reads "London, England" as one place; spaCy, and readers, see two. */
function split (match: MatchJson): TermJson[][] {
  const parts: TermJson[][] = [[]]
  for (const term of match.terms) {
    parts[parts.length - 1]?.push(term)
    if (term.post.includes(',')) parts.push([])
  }
  return parts.filter((p) => p.length > 0)
}

function toCandidate (text: string, label: EntityLabel, terms: readonly TermJson[]): Candidate[] {
  const first = terms[0]
  const last = terms[terms.length - 1]
  if (first?.offset === undefined || last?.offset === undefined) return []
  const start = first.offset.start
  let end = last.offset.start + last.offset.length
  // "Babbage's notes": the entity is Babbage
  const possessive = POSSESSIVE.exec(text.slice(start, end))
  if (possessive !== null && label !== EntityLabel.NORP) end -= possessive[0].length
  return end > start ? [{ label, start, end }] : []
}

function fromWink (doc: Document): Candidate[] {
  const candidates: Candidate[] = []
  for (const e of doc.entities) {
    let label = WINK_LABELS[e.type]
    const first = doc.tokens[e.first]
    const last = doc.tokens[e.last]
    if (label === undefined || first === undefined || last === undefined) continue
    // wink tags a lone "Day" as a DURATION; without a number it is not a date
    if (e.type === 'DURATION' && !doc.tokens.slice(e.first, e.last + 1).some((t) => t.type === 'number')) continue
    const surface = spanText(doc, e)
    if (surface === '') continue
    if (e.type === 'DURATION' && CLOCK_UNITS.test(surface)) label = EntityLabel.TIME
    candidates.push({ label, start: first.start, end: last.end })
  }
  return candidates
}
