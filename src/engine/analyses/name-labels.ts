// What a capitalised piece is: gazetteers, head words, the words around it and its shape, strongest evidence first.
import { CITY_POPULATION, FIRST, GAZETTEER, LANGUAGE_NAMES, NOT_NAMES, SURNAMES, isCommonWord } from './lexicon/index.js'
import {
  ARRIVE, BASED, COMPASS, GENERIC, HEAD_LABELS, LANGUAGE_BEFORE, LEADING, OFFICES, ORG_NOUNS, ORG_OWNED, PERSON_BEFORE,
  PLACE_BEFORE, PREFIX_LABELS, ROLE_WORDS, SPEECH, isHead, keyOf
} from './name-words.js'
import type { NameLabel, Piece } from './name-words.js'
import type { Tokens } from './tokens.js'
import { joined } from './tokens.js'

/** Labels a piece from its own words and the words around it, strongest evidence first. */
export function classify (t: Tokens, p: Piece): void {
  // strip a leading "The" and a trailing possessive or abbreviation full stop inside the piece
  while (p.end - p.first > 1 && LEADING.has(t.words[p.first] ?? '')) p.first++
  const key = keyOf(t, p.first, p.end)
  const n = p.end - p.first
  const firstWord = t.words[p.first] ?? ''
  const lastWord = (t.words[p.end - 1] ?? '').replace(/\.$/u, '')
  const gazetteer = GAZETTEER.get(key)
  const set = (label: NameLabel | undefined, weak = false): void => {
    p.label = label
    p.weak = weak
  }
  if (p.label === 'GPE') {
    // "Earl of Wessex", "Mayor of London"; not "Secretary of State", "Minister of Defence"
    if (gazetteer !== undefined) set(gazetteer)
    else if (GENERIC.has(firstWord) || OFFICES.has(firstWord)) {
      // "Secretary of State Antony Blinken": the office, then the person
      let k = p.first
      while (k < p.end && (GENERIC.has(t.words[k] ?? '') || OFFICES.has(t.words[k] ?? ''))) k++
      p.first = k
      set(k < p.end ? 'PERSON' : undefined)
    }
    return
  }
  if (p.label === 'PERSON') {
    // "President Joe Biden": but "President of Udaan" leaves nothing; a titled organisation stays one
    if (gazetteer !== undefined && gazetteer !== 'NORP' && gazetteer !== 'LANGUAGE') set(gazetteer)
    else if (n === 1 && GENERIC.has(firstWord)) set(undefined)
    return
  }
  if (gazetteer !== undefined) {
    set(gazetteer === 'NORP' || gazetteer === 'LANGUAGE' ? languageOrGroup(t, p, gazetteer) : gazetteer)
    return
  }
  if (n === 1 && (GENERIC.has(firstWord) || isHead(firstWord))) { set(undefined); return }
  if (n === 1 && /^\p{Lu}\.?$/u.test(firstWord)) { set(undefined); return }
  // "X-ray", "T-shirt", "U-turn": a letter and a word
  if (n === 1 && /^[\p{L}\d]{1,2}-\p{Ll}/u.test(firstWord)) { set(undefined); return }
  const prefix = PREFIX_LABELS[firstWord]
  if (prefix !== undefined && n >= 2) { set(prefix); return }
  // "Royal Swedish Academy of Sciences": a head before "of" names the whole
  for (let k = p.first; k < p.end - 1; k++) {
    if (t.words[k + 1] !== 'of' && t.words[k + 1] !== 'in') continue
    for (const [label, heads] of HEAD_LABELS) {
      if (heads.has(t.words[k] ?? '')) { set(label); return }
    }
  }
  // "French Alps", "Southern California": a place with a qualifier is that kind of place
  const lastPlace = GAZETTEER.get(lastWord)
  if (n === 2 && (lastPlace === 'LOC' || lastPlace === 'GPE') && (GAZETTEER.get(firstWord) === 'NORP' || COMPASS.has(firstWord))) { set(lastPlace); return }

  // head words: "Acme Corp", "University of London", "Golden Gate Bridge", "Battle of Hastings"
  const second = t.lower[p.first + 1] ?? ''
  const headFirst = n >= 3 && second === 'of'
  if (n >= 2) {
    const firstIsPersonName = FIRST.has(firstWord) && n === 2
    const personish = firstIsPersonName && (SURNAMES.has(lastWord) || /^(?:Hall|Hill|Park|Church|Bridge|Bridges|Banks|Ford|Lane|Wall|Street|Fields|Field|Moore|Wood|Woods|Brooks|Rivers|Waters|Lake|Marsh|Gates|House|Young|King|Law|Rule|Price|Cross|Bay|Day|Mann|Port|Ware)$/u.test(lastWord))
    if (!personish) {
      for (const [label, heads] of HEAD_LABELS) {
        if (heads.has(lastWord) || (headFirst && heads.has(firstWord))) {
          set(label)
          return
        }
      }
    }
  }

  // a gazetteer place or group at the start of a longer unknown run: "Indian Railways" was caught above;
  // "Google Cloud" and "Apple Music" belong to their company
  const lead = GAZETTEER.get(firstWord)
  if (n >= 2 && lead === 'ORG') { set(hasModelNumber(t, p) ? 'PRODUCT' : 'ORG'); return }
  if (n >= 2 && lead === 'PRODUCT') { set('PRODUCT'); return }
  // "Tensor G3", "A17 Pro", "H100": a model code makes a product
  if (hasModelCode(t, p)) { set('PRODUCT'); return }
  // "Mistral AI", "Samsung SDI": a name and an acronym is a company
  if (n >= 2 && /^\p{Lu}{2,4}$/u.test(lastWord) && !allCaps(t, p)) { set('ORG'); return }

  const before = t.lower[p.first - 1] ?? ''
  const before2 = t.lower[p.first - 2] ?? ''
  const after = t.lower[p.end] ?? ''
  // "Chennai-based", "London-born"
  if ((after === '-' || after === '–') && joined(t, p.end) && BASED.has(t.lower[p.end + 1] ?? '')) { set('GPE'); return }
  if (ROLE_WORDS.has(before) && before !== 'rival' && !ORG_NOUNS.has(before)) { set('PERSON'); return }
  if (n >= 2 && (FIRST.has(firstWord) || (SURNAMES.has(lastWord) && !GAZETTEER.has(firstWord)))) { set('PERSON'); return }
  if (orgContext(t, p)) { set('ORG'); return }

  if (n >= 2) {
    if (FIRST.has(lastWord)) { set('PERSON'); return }
    if (/^\p{Lu}\.$/u.test(t.words[p.first + 1] ?? '') || /^\p{Lu}\.$/u.test(firstWord)) { set('PERSON'); return }
    if (allCaps(t, p)) { set('ORG', true); return }
    // "Activision Blizzard", "Ola Electric": with no known given name, an ordinary English word that is
    // no known surname makes a company more likely than a person
    for (let k = p.first; k < p.end; k++) {
      if (isCommonWord(t.lower[k] ?? '') && !SURNAMES.has(t.words[k] ?? '')) { set('ORG', true); return }
    }
    set('PERSON', true)
    return
  }

  // one word
  const w = firstWord
  if (/^\p{Lu}{2,6}s?$/u.test(w) || /^[\p{Lu}\d&]{2,6}$/u.test(w)) { set('ORG', true); return }
  if (/^\p{Ll}*\p{Lu}\p{Ll}+\p{Lu}/u.test(w) && !/^(?:Mc|Mac|O'|De|Di|Le|La|Van)/u.test(w)) { set('ORG', true); return }
  const population = CITY_POPULATION.get(w)
  const nameLike = FIRST.has(w) || SURNAMES.has(w)
  if (placeContext(t, p)) { set('GPE', population === undefined); return }
  if (population !== undefined && (!nameLike || PLACE_BEFORE.has(before) || population >= 1_000_000)) { set('GPE', nameLike); return }
  if (speaks(t, p)) { set('PERSON', !nameLike); return }
  if (nameLike) { set('PERSON', true); return }
  if (PLACE_BEFORE.has(before) && before !== 'at' && before !== 'from' && before !== 'to' && before !== 'and' && !(before === 'in' && before2 === 'invested')) { set('GPE', true); return }
  set('ORG', true)
}

/** "near York", "at Pevensey, on the coast", "Skibbereen, County Cork", "from Joachimsthal in Bohemia". */
export function placeContext (t: Tokens, p: Piece): boolean {
  const before = t.lower[p.first - 1] ?? ''
  const after = t.lower[p.end] ?? ''
  const next = t.words[p.end + 1] ?? ''
  const nextPlace = GAZETTEER.get(next)
  if ((after === ',' || after === 'in') && (nextPlace === 'GPE' || (CITY_POPULATION.has(next) && !FIRST.has(next)) || next === 'County')) {
    return PLACE_BEFORE.has(before) || ARRIVE.has(t.lower[p.first - 2] ?? '') || before === ',' || before === 'of'
  }
  if (before === 'near' || before === 'outside' || before === 'throughout') return true
  if ((before === 'at' || before === 'in') && ARRIVE.has(t.lower[p.first - 2] ?? '')) return true
  return false
}

export const MODEL_CODE = /^(?:\p{Lu}{1,3}\d{1,4}\p{Lu}?|\d{1,4}\p{Lu}{1,2})$/u

export function hasModelCode (t: Tokens, p: Piece): boolean {
  for (let i = p.first; i < p.end; i++) if (MODEL_CODE.test(t.words[i] ?? '') && !NOT_NAMES.has(t.words[i] ?? '')) return true
  return false
}

/** "Galaxy S24", "Pixel 8": a company's name with a number is its product. */
export function hasModelNumber (t: Tokens, p: Piece): boolean {
  for (let i = p.first + 1; i < p.end; i++) if (/^\d{1,4}$/u.test(t.words[i] ?? '') || MODEL_CODE.test(t.words[i] ?? '')) return true
  return false
}

export function allCaps (t: Tokens, p: Piece): boolean {
  for (let i = p.first; i < p.end; i++) if (/\p{Ll}/u.test(t.words[i] ?? '')) return false
  return true
}

/** "Udaan, a start-up"; "e-commerce firm Udaan"; "Udaan's shares"; "shares of Udaan". */
export function orgContext (t: Tokens, p: Piece): boolean {
  const before = t.lower[p.first - 1] ?? ''
  if (ORG_NOUNS.has(before) && before !== 'rival' && before !== 'rivals' && before !== 'side' && before !== 'team') return true
  if ((before === 'of' || before === 'in') && ['shares', 'stake', 'stock', 'investors', 'shareholders'].includes(t.lower[p.first - 2] ?? '')) return true
  const after = t.lower[p.end] ?? ''
  if ((after === "'s" || after === '’s') && ORG_OWNED.has(t.lower[p.end + 1] ?? '')) return true
  if (ORG_OWNED.has(after) && ['shares', 'stock', 'revenue', 'sales', 'profit', 'earnings', 'valuation', 'headquarters', 'employees', 'shareholders', 'investors', 'ipo', 'listing', 'executives', 'board'].includes(after)) return true
  if (after === ',' || after === '(') {
    // "Udaan, a Bengaluru-based business-to-business platform,"
    const det = t.lower[p.end + 1] ?? ''
    if (det === 'a' || det === 'an' || det === 'the' || det === 'which' || det === 'its') {
      for (let k = p.end + 2; k < Math.min(t.length, p.end + 9); k++) {
        const w = t.lower[k] ?? ''
        if (w === ',' || w === '.' || w === ';' || ROLE_WORDS.has(w)) break
        if (ORG_NOUNS.has(w) && !['rival', 'rivals', 'side', 'team', 'parent', 'owner', 'investor', 'backer'].includes(w)) return true
      }
    }
  }
  return false
}

/** A person's mark: speech or a life event after the name, or ", 45," for an age. */
export function speaks (t: Tokens, p: Piece): boolean {
  const after = t.lower[p.end] ?? ''
  const before = t.lower[p.first - 1] ?? ''
  if (['said', 'says', 'told', 'tells', 'added', 'wrote', 'argued', 'recalled', 'explained', 'insisted', 'warned', 'replied', 'admitted', 'tweeted', 'conceded', 'recounted', 'joked', 'married', 'died', 'smiled', 'laughed'].includes(after)) return true
  if (before === 'said' || before === 'says') return true
  if (after === ',' && /^\d{1,2}$/u.test(t.words[p.end + 1] ?? '') && t.lower[p.end + 2] === ',') return true
  if (after === ',' && t.lower[p.end + 1] === 'who') return true
  if (SPEECH.has(after) && PERSON_BEFORE.has(before)) return true
  return false
}

/** A nationality word names a language after "in", "speak" and the like, unless a noun follows it. */
export function languageOrGroup (t: Tokens, p: Piece, gazetteer: 'NORP' | 'LANGUAGE'): NameLabel {
  const key = keyOf(t, p.first, p.end)
  if (!LANGUAGE_NAMES.has(key)) return gazetteer
  const before = t.lower[p.first - 1] ?? ''
  const after = t.lower[p.end] ?? ''
  const nextIsNoun = t.pos[p.end] === 'NOUN' || t.pos[p.end] === 'PROPN' || t.pos[p.end] === 'ADJ'
  if ((after === '-' && t.lower[p.end + 1] === 'language') || after === 'language') return 'LANGUAGE'
  if (LANGUAGE_BEFORE.has(before) && !nextIsNoun) return 'LANGUAGE'
  if ((after === 'and' || after === 'or') && LANGUAGE_BEFORE.has(before)) return 'LANGUAGE'
  return gazetteer === 'LANGUAGE' && key !== 'English' && !nextIsNoun ? 'LANGUAGE' : 'NORP'
}
