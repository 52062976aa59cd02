// Named entities from capitalised runs: gazetteers, head words, titles, context cues and earlier mentions decide the label.
import { FIRST, GAZETTEER, GAZETTEER_MAX_TOKENS, HEADS, NOT_NAMES, TITLE_WORDS, isCommonWord } from './lexicon/index.js'
import { classify, speaks } from './name-labels.js'
import { GENERIC, LEADING, MODEL_SUFFIX, MONTHS_DAYS, PARTICLES, PREFIX_LABELS, hasOf, isHead, keyOf } from './name-words.js'
import type { NameLabel, Piece } from './name-words.js'
import type { Match } from './numeric.js'
import type { Tokens } from './tokens.js'
import { joined } from './tokens.js'

/** The name entities of a text, as token matches; `taken` marks tokens the numeric rules already hold. */
export function nameEntities (t: Tokens, taken: Uint8Array, checkpoint: () => void): Match[] {
  const headline = headlineTokens(t)
  const midCaps = capitalisedMidSentence(t, headline)
  const pieces: Piece[] = []
  for (let i = 0; i < t.length;) {
    if ((i & 255) === 0) checkpoint()
    if (taken[i] === 1 || !startsName(t, i)) { i++; continue }
    const gazetteered = gazetteerAt(t, i)
    const end = runEnd(t, i, taken)
    if (gazetteered !== undefined && gazetteered.end >= end) {
      pieces.push(gazetteered)
      i = gazetteered.end
      continue
    }
    if (end <= i) { i++; continue }
    for (const p of splitRun(t, i, end, headline, midCaps)) {
      classify(t, p)
      pieces.push(p)
    }
    i = end
  }
  checkpoint()
  resolveMentions(t, pieces, checkpoint)
  const out: Match[] = []
  for (const p of pieces) if (p.label !== undefined) out.push({ label: p.label, first: p.first, end: p.end })
  return out
}

function isCapitalised (t: Tokens, i: number): boolean {
  const w = t.words[i] ?? ''
  if (t.types[i] !== 'word' && t.types[i] !== 'shortForm') return false
  if (/^\p{Lu}/u.test(w)) return true
  // "iPhone", "eBay", "xAI"
  return /^\p{Ll}{1,2}\p{Lu}/u.test(w)
}

function startsName (t: Tokens, i: number): boolean {
  if (!isCapitalised(t, i)) return /^\d+\p{Lu}/u.test(t.words[i] ?? '') && GAZETTEER.has(t.words[i] ?? '')
  const w = t.words[i] ?? ''
  return !MONTHS_DAYS.has(w) || GAZETTEER.has(`${w} ${t.words[i + 1] ?? ''}`)
}

/** The longest gazetteer name starting at token i. */
function gazetteerAt (t: Tokens, i: number): Piece | undefined {
  let best: Piece | undefined
  let key = ''
  for (let j = i; j < Math.min(t.length, i + GAZETTEER_MAX_TOKENS); j++) {
    if (j > i && (t.opens[j] ?? false)) break
    key += (j > i && !joined(t, j) ? ' ' : '') + (t.words[j] ?? '')
    const label = GAZETTEER.get(key)
    if (label !== undefined) best = { first: i, end: j + 1, label, weak: false }
  }
  if (best === undefined) return undefined
  // a sentence's first word that is also an ordinary word ("Nice", "Target") needs a second word or another mention
  if ((t.opens[i] ?? false) && best.end === i + 1 && isCommonWord(t.lower[i] ?? '') && !/^\p{Lu}+$/u.test(t.words[i] ?? '')) return undefined
  return best
}

/** Where the capitalised run starting at i ends (exclusive): names, initials, hyphens, "of", "&", particles. */
function runEnd (t: Tokens, i: number, taken: Uint8Array): number {
  let j = i + 1
  const cap = (k: number): boolean => k < t.length && taken[k] !== 1 && !(t.opens[k] ?? false) && isCapitalised(t, k) && !MONTHS_DAYS.has(t.words[k] ?? '')
  while (j < t.length && j - i < 12) {
    const w = t.words[j] ?? ''
    if (cap(j)) { j++; continue }
    // "Skłodowska-Curie", "Rolls-Royce"; not "Chennai-based"
    if ((w === '-' || w === '–') && joined(t, j) && joined(t, j + 1) && cap(j + 1)) { j += 2; continue }
    if (w === '&' && cap(j + 1)) { j += 2; continue }
    // "Falcon 9", "Llama 2", "Pixel 8 Pro", "Proposition 22": a short number after a product or a law's prefix
    if (t.types[j] === 'number' && /^\d{1,4}$/u.test(w) && !joined(t, j) && numberJoins(t, i, j)) {
      j++
      while (j < t.length && MODEL_SUFFIX.has(t.words[j] ?? '')) j++
      continue
    }
    const lower = t.lower[j] ?? ''
    const head = t.words[j - 1] ?? ''
    if ((lower === 'of' || lower === 'for') && cap(j + 1) && w === lower) {
      if (isHead(head) || TITLE_WORDS.has(head) || head === 'Statue' || head === 'House' || head === 'Harrying' || head === 'Sea' || head === 'Bank') {
        j += 1
        if (t.lower[j] === 'the' && cap(j + 1)) j++
        continue
      }
    }
    // "Nobel Prize in Chemistry"
    if (lower === 'in' && w === lower && cap(j + 1) && (HEADS.WORK_OF_ART.has(head))) { j++; continue }
    // "School of Industrial Physics and Chemistry": "and" inside a name that already has "of"
    if ((lower === 'and' || lower === '&') && cap(j + 1) && hasOf(t, i, j) && GAZETTEER.get(t.words[j + 1] ?? '') !== 'GPE') { j++; continue }
    // "Edward the Confessor", "Alfred the Great"
    if (lower === 'the' && w === lower && FIRST.has(head) && t.lower[j - 2] !== 'the' && cap(j + 1) && !GAZETTEER.has(t.words[j + 1] ?? '')) { j += 2; continue }
    if (PARTICLES.has(w) && (cap(j + 1) || (PARTICLES.has(t.words[j + 1] ?? '') && cap(j + 2))) && !(t.opens[j] ?? false)) {
      j += PARTICLES.has(t.words[j + 1] ?? '') ? 2 : 1
      continue
    }
    if ((w === 'al' || w === 'el') && t.words[j + 1] === '-' && cap(j + 2)) { j += 3; continue }
    break
  }
  return j
}

/** Whether a number at j belongs to the name that starts at i: a product's model or a law's number. */
function numberJoins (t: Tokens, i: number, j: number): boolean {
  const key = keyOf(t, i, j)
  if (GAZETTEER.get(keyOf(t, i, j + 1)) !== undefined) return true
  return (j - i <= 2 && GAZETTEER.get(key) === 'PRODUCT') || (j === i + 1 && PREFIX_LABELS[key] === 'LAW')
}

/**
 * Cuts a run at titles ("President | Joe Biden"), common acronyms and a leading ordinary word a
 * sentence or a headline capitalised ("Shares", "However"); what is left are the pieces to label.
 */
function splitRun (t: Tokens, first: number, end: number, headline: Uint8Array, midCaps: ReadonlySet<string>): Piece[] {
  const pieces: Piece[] = []
  let start = first
  let titled = false
  let ofTitle = false
  const flush = (to: number): void => {
    if (to > start) pieces.push({ first: start, end: to, label: titled ? 'PERSON' : ofTitle ? 'GPE' : undefined, weak: false })
    start = to
    titled = false
    ofTitle = false
  }
  for (let i = first; i < end; i++) {
    const w = t.words[i] ?? ''
    // a title: two words ("Prime Minister") or one ("Premier", "Dr.")
    const two = `${w} ${t.words[i + 1] ?? ''}`
    const title = i + 1 < end && TITLE_WORDS.has(two) ? 2 : TITLE_WORDS.has(w) && i + 1 < end && !GAZETTEER.has(keyOf(t, start, end)) ? 1 : 0
    if (title > 0 && !(i > start && isHead(w))) {
      flush(i)
      start = i + title
      i += title - 1
      titled = true
      // "Earl of Wessex", "Duke of Normandy": the place is a place
      if (t.words[start] === 'of') {
        start++
        i++
        titled = false
        ofTitle = true
      }
      continue
    }
    if (i === start && LEADING.has(w) && !GAZETTEER.has(keyOf(t, i, end))) {
      start = i + 1
      continue
    }
    if (NOT_NAMES.has(w)) {
      flush(i)
      start = i + 1
      continue
    }
    // an ordinary word capitalised only by its place: the first of a sentence, or any in a headline
    const uncertain = (i === start && (t.opens[i] ?? false)) || headline[i] === 1
    const numbered = PREFIX_LABELS[w] !== undefined && t.types[i + 1] === 'number'
    // "Acme Corp paid": an ordinary word that a head word follows is a name's start
    const headed = end - i >= 2 && i === start && !(headline[i] === 1) && isHead((t.words[end - 1] ?? '').replace(/\.$/u, ''))
    if (uncertain && !numbered && !headed && isOrdinary(t, i, midCaps) && !GAZETTEER.has(keyOf(t, i, end))) {
      flush(i)
      start = i + 1
      continue
    }
  }
  flush(end)
  // a piece never starts with a number: "22" alone is the numeric rules' business
  return pieces.filter((p) => p.end > p.first && t.types[p.first] !== 'number')
}

function isOrdinary (t: Tokens, i: number, midCaps: ReadonlySet<string>): boolean {
  const w = t.words[i] ?? ''
  if (LEADING.has(w)) return true
  if (midCaps.has(w) || GAZETTEER.has(w) || FIRST.has(w)) return false
  return isCommonWord(t.lower[i] ?? '') || t.pos[i] === 'VERB' || t.pos[i] === 'ADV' || t.pos[i] === 'ADP' ||
    t.pos[i] === 'PRON' || t.pos[i] === 'DET' || t.pos[i] === 'AUX' || t.pos[i] === 'SCONJ' || t.pos[i] === 'CCONJ'
}

/** Capitalised words seen somewhere other than a sentence's or a line's start: names, whatever a dictionary says. */
function capitalisedMidSentence (t: Tokens, headline: Uint8Array): Set<string> {
  const out = new Set<string>()
  for (let i = 1; i < t.length; i++) {
    if (!(t.opens[i] ?? false) && headline[i] === 0 && isCapitalised(t, i) && t.words[i - 1] !== '"' && t.words[i - 1] !== ':' && t.words[i - 1] !== '“') {
      out.add(t.words[i] ?? '')
    }
  }
  return out
}

/** Tokens on a line written in title case (a headline): every capital there is uncertain. */
function headlineTokens (t: Tokens): Uint8Array {
  const out = new Uint8Array(t.length)
  let lineStart = 0
  let caps = 0
  let lowers = 0
  let lastReal = -1
  const close = (end: number): void => {
    const ends = lastReal >= 0 && /^[.!?]$/u.test(t.words[lastReal] ?? '')
    if (!ends && caps >= 2 && lowers <= caps / 4) out.fill(1, lineStart, end)
    caps = lowers = 0
    lastReal = -1
    lineStart = end
  }
  for (let i = 0; i < t.length; i++) {
    if (t.lineStarts[i] ?? false) close(i)
    const w = t.words[i] ?? ''
    if (/^\s*$/u.test(w)) continue
    lastReal = i
    // short words ("as", "to", "of") are lower case even in a headline
    if (t.types[i] !== 'word' || w.length < 4) continue
    if (/^\p{Lu}/u.test(w)) caps++
    else if (/^\p{Ll}/u.test(w)) lowers++
  }
  close(t.length)
  return out
}

/**
 * Later and earlier mentions: a surname alone after the full name ("Trump" after "Donald Trump") is the
 * person; a company's first word ("Acme" after "Acme Corp") or its initials are the company; a name
 * labelled with certainty once lends that label to its weak mentions.
 */
function resolveMentions (t: Tokens, pieces: Piece[], checkpoint: () => void): void {
  const known = new Map<string, NameLabel>()
  const alias = new Map<string, NameLabel>()
  let count = 0
  for (const p of pieces) {
    if ((++count & 511) === 0) checkpoint()
    // a weak label names nothing for others, except a full name: "Elon Musk" lends "Musk" its label
    if (p.label === undefined || (p.weak && !(p.label === 'PERSON' && p.end - p.first >= 2))) continue
    const key = keyOf(t, p.first, p.end)
    if (!known.has(key) && !p.weak) known.set(key, p.label)
    const n = p.end - p.first
    if (p.label === 'PERSON' && n >= 2) {
      const last = t.words[p.end - 1] ?? ''
      const firstWord = t.words[p.first] ?? ''
      if (!alias.has(last) || GAZETTEER.get(last) === 'ORG') alias.set(last, 'PERSON')
      if (!alias.has(firstWord) && FIRST.has(firstWord)) alias.set(firstWord, 'PERSON')
      // "Marie Skłodowska-Curie" → "Curie"; "Ursula von der Leyen" → "von der Leyen" is left to the surname
      const hyphen = last.lastIndexOf('-')
      if (hyphen > 0 && !alias.has(last.slice(hyphen + 1))) alias.set(last.slice(hyphen + 1), 'PERSON')
    } else if (p.label === 'ORG' && n >= 2) {
      const firstWord = t.words[p.first] ?? ''
      if (!isHead(firstWord) && !GENERIC.has(firstWord) && !alias.has(firstWord) && GAZETTEER.get(firstWord) === undefined) alias.set(firstWord, 'ORG')
      let initials = ''
      for (let i = p.first; i < p.end; i++) {
        const w = t.words[i] ?? ''
        if (/^\p{Lu}/u.test(w)) initials += w.charAt(0)
      }
      if (initials.length >= 2 && !alias.has(initials)) alias.set(initials, 'ORG')
    }
  }
  for (const p of pieces) {
    if ((++count & 511) === 0) checkpoint()
    // "John Hess ... Hess told analysts": a company that shares a person's surname, speaking, is the person
    if (p.label === 'ORG' && p.end - p.first === 1 && alias.get(t.words[p.first] ?? '') === 'PERSON' && speaks(t, p)) {
      p.label = 'PERSON'
      continue
    }
    if (p.label !== undefined && !p.weak) continue
    const key = keyOf(t, p.first, p.end)
    // "the Curies" after "Pierre Curie"
    const label = known.get(key) ?? alias.get(key) ?? (key.endsWith('s') && alias.get(key.slice(0, -1)) === 'PERSON' ? 'PERSON' : undefined)
    if (label !== undefined) {
      p.label = label
      p.weak = false
      continue
    }
    // "Skłodowska-Curie" mentioned as "Curie" is found above; a possessive never reaches here
    if (p.label === undefined) continue
  }
}
