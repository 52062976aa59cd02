// The engine's word lists as sets and maps, built once per thread when the analyses load (a few milliseconds).
import { createRequire } from 'node:module'
import { MORE_FIRST_NAMES } from './first-names.js'
import { CITIES, FIRST_NAMES, NAMES } from './generated.js'
import { LANGUAGES, ONLY_LANGUAGES, norpNames } from './groups.js'
import {
  COMMON_ACRONYMS, EVENT_HEADS, FAC_HEADS, GPE_HEADS, LAW_HEADS, LOC_HEADS, ORG_HEADS, ORGANISATIONS, PRODUCTS, TITLES, WORK_HEADS
} from './organisations.js'
import { COUNTRIES, REGIONS, STATES } from './places.js'

const split = (s: string): string[] => s.split('|')
const set = (s: string): ReadonlySet<string> => new Set(split(s))

export type GazetteerLabel = 'ORG' | 'PRODUCT' | 'NORP' | 'GPE' | 'LOC' | 'LANGUAGE'

/** Names as written (case matters: "US" is a country, "us" is not), first list wins. */
export const GAZETTEER: ReadonlyMap<string, GazetteerLabel> = (() => {
  const map = new Map<string, GazetteerLabel>()
  const add = (names: Iterable<string>, label: GazetteerLabel): void => {
    for (const name of names) if (!map.has(name)) map.set(name, label)
  }
  add(split(ORGANISATIONS), 'ORG')
  add(split(PRODUCTS), 'PRODUCT')
  add(ONLY_LANGUAGES, 'LANGUAGE')
  add(norpNames(), 'NORP')
  add(split(COUNTRIES), 'GPE')
  add(split(STATES), 'GPE')
  add(split(REGIONS), 'LOC')
  add(split(LANGUAGES), 'LANGUAGE')
  return map
})()

/** The longest gazetteer name, in tokens, bounds the look-ahead. */
export const GAZETTEER_MAX_TOKENS = 7

export const FIRST: ReadonlySet<string> = new Set([...split(FIRST_NAMES), ...split(MORE_FIRST_NAMES)])
export const SURNAMES = set(NAMES)
export const LANGUAGE_NAMES = set(LANGUAGES)

export const HEADS = {
  ORG: set(ORG_HEADS),
  FAC: set(FAC_HEADS),
  LOC: set(LOC_HEADS),
  EVENT: set(EVENT_HEADS),
  LAW: set(LAW_HEADS),
  WORK_OF_ART: set(WORK_HEADS),
  GPE: set(GPE_HEADS)
} as const

export const TITLE_WORDS = set(TITLES)
export const NOT_NAMES = set(COMMON_ACRONYMS)

// wink's English vocabulary, already loaded by wink itself: a lower-case word in it is an ordinary word.
// wink appends the words it meets to the same list, so only the model's own first `intrinsicSize` count.
const require = createRequire(import.meta.url)
const lexeme = (require('wink-eng-lite-web-model/dist/languages/cur/models/eng-core-web-model.json') as {
  features: { lexeme: { list: string[], intrinsicSize?: number } }
}).features.lexeme
const common = new Set<string>()
for (let i = 0; i < (lexeme.intrinsicSize ?? lexeme.list.length); i++) {
  const w = lexeme.list[i] ?? ''
  if (/^[a-z][a-z'-]*$/u.test(w)) common.add(w)
}

/** Whether the lower-case word is an ordinary English word ("shares", "however", "trump"). */
export function isCommonWord (lower: string): boolean {
  return common.has(lower)
}

/** Cities by population; those whose name is also a common word are left out ("Reading", "Mobile"). */
export const CITY_POPULATION: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>()
  for (const entry of split(CITIES)) {
    const at = entry.lastIndexOf(':')
    const name = entry.slice(0, at)
    if (!isCommonWord(name.toLowerCase()) || name.includes(' ')) map.set(name, Number(entry.slice(at + 1)))
  }
  return map
})()
