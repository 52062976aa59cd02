// The most frequent noun phrases of a text, from wink-nlp's part-of-speech tags.
import { readDocument } from './document.js'
import type { Document, Token } from './document.js'
import { tokensOf } from './tokens.js'

export const DEFAULT_MAX_PHRASES = 5
// Longer runs are rare and mostly mis-tags; the cap keeps sub-phrase counting linear.
const MAX_PHRASE_WORDS = 6
const LETTER = /\p{L}/u
// No English word is longer; a longer token is a code, a hash or a run of one letter.
const MAX_WORD_CHARS = 45

interface Tally {
  readonly norms: readonly string[]
  readonly first: number
  count: number
  /** each occurrence's [start, end) offsets, flat: surfaces are cut only for the phrases returned */
  readonly spans: number[]
  /** a name ("Udaan", "Pixel 8 Pro") rather than a common noun phrase */
  readonly proper: boolean
}

// Nouns too general to be a text's topic on their own, and the scales and units amounts leave behind.
const GENERIC = new Set(('year|years|day|days|week|weeks|month|months|decade|decades|century|centuries|time|times|' +
  'today|people|person|way|ways|thing|things|part|parts|number|numbers|lot|lots|kind|sort|end|start|bn|m|mn|k|tn|' +
  'crore|lakh|per|cent|percent|rupees|dollars|pounds|euros|yen|yuan|share|deal|deals|place|case|point|fact|' +
  'issue|world|group|side|area|level|rest|half|hour|hours|minute|minutes|morning|evening|night|week|weekend|' +
  'others|something|anything|nothing|everything|one|ones|use|lack|kind|sorts|type|types|example|reason|result|' +
  'results|question|questions|problem|problems|idea|ideas|bit|bits|piece|pieces|line|lines|term|terms|job|work|' +
  'mr|mrs|ms|dr|co|inc|ltd|corp|plc|llc|st|km|kg|mph|gb|tb|mb').split('|'))
// A phrase's weight per extra word, and a lone common noun's: a reader's topics are mostly several words or names.
const EXTRA_WORD_WEIGHT = 0.5
const COMMON_NOUN_WEIGHT = 0.6
const YEAR = /^(?:1\d{3}|20\d{2})$/u
const MONTH = /^(?:January|February|March|April|May|June|July|August|September|October|November|December)$/u

/**
 * Noun phrases are runs of adjectives then nouns ("wireless headphones", "battery life"). Every
 * sub-phrase ending in a noun is counted too, so "headphones" gathers "wireless headphones" and
 * "these headphones"; a sub-phrase that never occurs outside one longer phrase is then dropped,
 * so "battery" and "life" do not repeat "battery life". A name is never cut: "Ada Lovelace" does
 * not count as "Ada" or "Lovelace".
 */
export function mostCommonPhrases (text: string, max: number = DEFAULT_MAX_PHRASES): string[] {
  return mostCommonPhrasesOf(readDocument(text), max)
}

/** The same, from a document already read (the three analyses of one text share it). */
export function mostCommonPhrasesOf (doc: Document, max: number = DEFAULT_MAX_PHRASES, checkpoint: () => void = noop): string[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`)
  const text = doc.text
  const tallies = new Map<string, Tally>()
  // punctuation, and a sentence's end with it, breaks a run
  // each step counts up to MAX_PHRASE_WORDS sub-phrases: a checkpoint every 16 steps is every few ms
  let n = 0
  for (const chunk of chunks(doc.tokens, checkpoint)) {
    if ((++n & 15) === 0) checkpoint()
    const norms = chunk.map(normOf)
    for (let from = 0; from < chunk.length; from++) {
      // a chunk can be thousands of tokens long (a list of names, a text in another script)
      if ((++n & 15) === 0) checkpoint()
      let key = ''
      for (let to = from; to < Math.min(chunk.length, from + MAX_PHRASE_WORDS); to++) {
        key = to === from ? (norms[to] ?? '') : `${key} ${norms[to] ?? ''}`
        const last = chunk[to]
        const head = chunk[from]
        if (last === undefined || head === undefined || last.pos === 'ADJ') continue
        if (splitsName(chunk, from, to)) continue
        count(tallies, key, chunk, norms, from, to)
      }
    }
  }

  // Counts only shrink as a phrase grows, so comparing with the phrases one word longer suffices.
  checkpoint()
  const covered = new Map<string, number>()
  for (const t of tallies.values()) {
    if ((++n & 1023) === 0) checkpoint()
    if (t.norms.length < 2) continue
    for (const sub of [t.norms.slice(1), t.norms.slice(0, -1)]) {
      const key = sub.join(' ')
      covered.set(key, Math.max(covered.get(key) ?? 0, t.count))
    }
  }

  checkpoint()
  const top = [...tallies.entries()]
    .filter(([key, t]) => (covered.get(key) ?? 0) < t.count && !(t.norms.length === 1 && GENERIC.has(t.norms[0] ?? '')))
    .map(([, t]) => ({ t, weight: weightOf(t) }))
    .sort((a, b) => b.weight - a.weight || b.t.count - a.t.count || b.t.norms.length - a.t.norms.length || a.t.first - b.t.first)
    .map(({ t }) => t)
    .slice(0, max)
  if (top.length === 0) return []
  const opening = openingOffsets(doc, checkpoint)
  return top.map((t) => favouriteSurface(text, t, opening))
}

/**
 * How much a phrase looks like a topic: its count, more for each extra word once it is repeated
 * ("battery life" twice outweighs "life" three times), less for a lone common noun ("share", "day").
 */
function weightOf (t: Tally): number {
  if (t.norms.length >= 2) return t.count >= 2 ? t.count * (1 + EXTRA_WORD_WEIGHT * (t.norms.length - 1)) : t.count
  return t.proper ? t.count : t.count * COMMON_NOUN_WEIGHT
}

/** Maximal runs of ADJ* (NOUN|PROPN)+, split where a common noun meets a name ("the poet | Lord Byron"). */
function chunks (tokens: readonly Token[], checkpoint: () => void): Token[][] {
  const found: Token[][] = []
  let run: Token[] = []
  const flush = (): void => {
    while (run.length > 0 && run[run.length - 1]?.pos === 'ADJ') run.pop()
    if (run.length > 0) found.push(run)
    run = []
  }
  for (const [i, token] of tokens.entries()) {
    if ((i & 4095) === 0) checkpoint()
    // "Pixel 8 Pro", "Llama 2": a short number after a name, not a year or a day of a month, is part of it
    const prev0 = run[run.length - 1]
    if (token.type === 'number' && /^\d{1,4}$/u.test(token.text) && !YEAR.test(token.text) && prev0?.pos === 'PROPN' &&
      !MONTH.test(prev0.text) && tokens[i - 1] === prev0) {
      run.push({ ...token, pos: 'PROPN' })
      continue
    }
    // type 'word' leaves out wink's urls, emails, mentions and hashtags
    const usable = token.type === 'word' && !token.stopWord && LETTER.test(token.text) &&
      token.text.length > 1 && token.text.length <= MAX_WORD_CHARS
    const prev = run[run.length - 1]
    if (!usable || !(token.pos === 'ADJ' || token.pos === 'NOUN' || token.pos === 'PROPN')) {
      flush()
      continue
    }
    // an adjective after a noun starts the next phrase; so does a name after a common noun
    if (prev !== undefined && prev.pos !== 'ADJ' && token.pos === 'ADJ') flush()
    else if (prev !== undefined && prev.pos === 'NOUN' && token.pos === 'PROPN') flush()
    run.push(token)
  }
  flush()
  return found
}

/** Whether words[from..to] starts or ends inside a run of proper nouns. */
function splitsName (chunk: readonly Token[], from: number, to: number): boolean {
  const isName = (i: number): boolean => chunk[i]?.pos === 'PROPN'
  return (isName(from - 1) && isName(from)) || (isName(to) && isName(to + 1))
}

/** Common nouns by lemma ("note" and "notes"), names and adjectives as written, all lower case;
 * wink keeps a sentence's full stop on an abbreviation ("Acme Corp."), so trailing dots go. */
function normOf (w: Token): string {
  return (w.pos === 'NOUN' ? w.lemma : w.text.toLowerCase()).replace(/\.+$/u, '')
}

function count (tallies: Map<string, Tally>, key: string, chunk: readonly Token[], norms: readonly string[], from: number, to: number): void {
  let tally = tallies.get(key)
  if (tally === undefined) {
    let proper = true
    for (let i = from; i <= to; i++) proper &&= chunk[i]?.pos === 'PROPN'
    tally = { norms: norms.slice(from, to + 1), first: chunk[from]?.start ?? 0, count: 0, spans: [], proper }
    tallies.set(key, tally)
  }
  tally.count++
  tally.spans.push(chunk[from]?.start ?? 0, chunk[to]?.end ?? 0)
}

/** Where the tokens that open a sentence or a line (a heading, a caption) start: a capital there tells nothing. */
function openingOffsets (doc: Document, checkpoint: () => void): Set<number> {
  const { opens, starts } = tokensOf(doc, checkpoint)
  const out = new Set<number>()
  for (let i = 0; i < opens.length; i++) if (opens[i] === true) out.add(starts[i] ?? -1)
  return out
}

/**
 * The most frequent way the text writes the phrase, the earliest on a tie: always a surface of the
 * text. A capital mid-sentence is how the text writes a phrase ("sold Apple shares"); a common noun
 * phrase's capital at a sentence's start is not ("Battery storage is …" and "… of battery storage"),
 * so such an occurrence only adds to a surface written elsewhere the same way or with the first
 * letter in lower case, and is the answer only where the phrase is never written elsewhere.
 */
function favouriteSurface (text: string, tally: Tally, opening: ReadonlySet<number>): string {
  const written = new Map<string, number>()
  const atStarts = new Map<string, number>()
  for (let i = 0; i < tally.spans.length; i += 2) {
    const start = tally.spans[i] ?? 0
    const surface = text.slice(start, tally.spans[i + 1]).replace(/\s+/gu, ' ')
    const into = !tally.proper && opening.has(start) && /^\p{Lu}/u.test(surface) ? atStarts : written
    into.set(surface, (into.get(surface) ?? 0) + 1)
  }
  if (written.size === 0) return mostFrequent(atStarts)
  for (const [surface, n] of atStarts) {
    const lowered = surface.charAt(0).toLowerCase() + surface.slice(1)
    for (const same of lowered === surface ? [surface] : [surface, lowered]) {
      const had = written.get(same)
      if (had !== undefined) written.set(same, had + n)
    }
  }
  return mostFrequent(written)
}

/** The key with the largest count; the first inserted on a tie. */
function mostFrequent (counts: ReadonlyMap<string, number>): string {
  let best = ''
  let bestCount = 0
  for (const [key, n] of counts) {
    if (n > bestCount) {
      best = key
      bestCount = n
    }
  }
  return best
}

function noop (): void {}
