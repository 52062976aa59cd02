// A text read once by wink-nlp, in bounded segments: tokens with character offsets, tags and sentences.
import winkNLP from 'wink-nlp'
import model from 'wink-eng-lite-web-model'
import type { PartOfSpeech } from 'wink-nlp'
import { neutralise } from './neutralise.js'

export interface Token {
  readonly text: string
  readonly pos: PartOfSpeech
  /** wink's token type: 'word', 'number', 'punctuation', 'url', ... */
  readonly type: string
  readonly lemma: string
  readonly stopWord: boolean
  /** UTF-16 offsets into the original text, end exclusive */
  readonly start: number
  readonly end: number
}

/** A run of tokens, `last` inclusive, as wink reports spans. */
export interface Span {
  readonly first: number
  readonly last: number
}

export interface Document {
  readonly text: string
  readonly tokens: readonly Token[]
  readonly sentences: readonly Span[]
}

// Sentiment, negation and wink's own entities are not used: the pipe is sentences and tags only.
const nlp = winkNLP(model, ['sbd', 'pos'])
const its = nlp.its
const WORDLIKE = /[\p{L}\p{N}]/u
// how far past the expected place a token is looked for; bounded so a lost token costs little
const RESYNC_CHARS = 256
// wink's typings give its.lemma a signature out() does not accept; at run time out() passes the addons.
const lemmaOf = its.lemma as unknown as typeof its.value

/**
 * wink reads a text in segments of at most this many characters, so that the caller's checkpoint
 * runs between them: the slowest text measured here (a run of quotes) takes about 4 ms per 1 000.
 */
export const SEGMENT_CHARS = 2000

export function readDocument (text: string, checkpoint: () => void = noop): Document {
  const tokens: Token[] = []
  const sentences: Span[] = []
  for (let from = 0; from < text.length;) {
    checkpoint()
    const to = segmentEnd(text, from)
    readSegment(text, from, to, tokens, sentences)
    from = to
  }
  return { text, tokens, sentences }
}

function readSegment (text: string, from: number, to: number, tokens: Token[], sentences: Span[]): void {
  // wink reads the rewrite; offsets, and so every surface, refer to the original
  const longRuns: Array<[number, number]> = []
  const prepared = neutralise(text.slice(from, to), longRuns)
  let run = 0
  const doc = nlp.readDoc(prepared)
  const all = doc.tokens()
  const values = all.out(its.value) as string[]
  const spaces = all.out(its.precedingSpaces) as string[]
  const pos = all.out(its.pos) as PartOfSpeech[]
  const types = all.out(its.type) as string[]
  const lemmas = all.out(lemmaOf) as string[]
  const stops = all.out(its.stopWordFlag) as boolean[]

  // wink keeps every character: preceding spaces + value, concatenated, is the input. Should a
  // token ever not sit where that puts it, it is looked for a little further on instead.
  const base = tokens.length
  let offset = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? ''
    let start = offset + (spaces[i] ?? '').length
    if (!prepared.startsWith(value, start)) {
      const found = prepared.indexOf(value, offset)
      if (found !== -1 && found - offset <= RESYNC_CHARS) start = found
    }
    offset = Math.min(prepared.length, start + value.length)
    while (run < longRuns.length && (longRuns[run]?.[1] ?? 0) <= start) run++
    const overlong = start >= (longRuns[run]?.[0] ?? Infinity)
    tokens.push({
      // as written, not as rewritten
      text: text.slice(from + start, from + offset),
      pos: pos[i] ?? 'X',
      // a piece of a run too long to be a word is a type of its own, so no analysis reads it as one
      type: overlong ? 'overlong' : types[i] ?? 'word',
      lemma: (lemmas[i] ?? value).toLowerCase(),
      stopWord: stops[i] ?? false,
      start: from + start,
      end: from + offset
    })
  }

  for (const [first = 0, last = -1] of doc.sentences().out(its.span) as unknown as number[][]) {
    splitAtLines(text, tokens, base + first, base + last, sentences)
  }
}

/**
 * wink runs a headline, a byline and the first paragraph together; a paragraph break always ends a
 * sentence, and so does a line break after a line without closing punctuation when the next line
 * starts with a capital. Whitespace tokens at either end are left out; a sentence needs a letter or a digit.
 */
function splitAtLines (text: string, tokens: readonly Token[], first: number, last: number, out: Span[]): void {
  let start = first
  const push = (end: number): void => {
    let a = start
    let b = end
    while (a <= b && /^\s*$/u.test(tokens[a]?.text ?? '')) a++
    while (b >= a && /^\s*$/u.test(tokens[b]?.text ?? '')) b--
    let wordlike = false
    for (let i = a; i <= b && !wordlike; i++) wordlike = WORDLIKE.test(tokens[i]?.text ?? '')
    if (wordlike) out.push({ first: a, last: b })
  }
  for (let i = first + 1; i <= last; i++) {
    const prev = tokens[i - 1]
    const token = tokens[i]
    if (prev === undefined || token === undefined) continue
    const gap = text.slice(prev.end, token.start) + (/^\s+$/u.test(token.text) ? token.text : '')
    if (!gap.includes('\n')) continue
    // the last real token before the break, and the first after it
    let k = i - 1
    while (k > start && /^\s*$/u.test(tokens[k]?.text ?? '')) k--
    let m = i
    while (m < last && /^\s*$/u.test(tokens[m]?.text ?? '')) m++
    const paragraph = /\n[ \t\r]*\n/u.test(text.slice(tokens[k]?.end ?? 0, tokens[m]?.start ?? 0))
    const open = !/[.!?:;,'"’”)-]$/u.test(tokens[k]?.text ?? '') && /^["'“‘(]?\p{Lu}/u.test(tokens[m]?.text ?? '')
    if (paragraph || open) {
      push(k)
      start = m
      i = m
    }
  }
  push(last)
}

/**
 * Where the segment starting at `from` ends: the text's end if near, else the last paragraph break,
 * line break, sentence end or space in the segment's second half, else the hard cap (never inside
 * a surrogate pair).
 */
export function segmentEnd (text: string, from: number): number {
  const cap = from + SEGMENT_CHARS
  if (cap >= text.length) return text.length
  const window = text.slice(from + SEGMENT_CHARS / 2, cap)
  const at = (re: RegExp): number => {
    let found = -1
    for (const m of window.matchAll(re)) found = m.index + m[0].length
    return found
  }
  for (const re of BREAKS) {
    const found = at(re)
    if (found > 0) return from + SEGMENT_CHARS / 2 + found
  }
  const code = text.charCodeAt(cap - 1)
  return code >= 0xd800 && code <= 0xdbff ? cap - 1 : cap
}

// Best first: a paragraph, a line, a sentence (its full stop, then spaces, then a capital), a space.
const BREAKS = [/\n[ \t\r]*\n/gu, /\n/gu, /[.!?]["'’”)\]]*\s+(?=["'‘“(]?\p{Lu})/gu, /\s+/gu]

function noop (): void {}

/** The original text a span covers, from its first token's start to its last token's end. */
export function spanText (doc: Document, span: Span): string {
  const first = doc.tokens[span.first]
  const last = doc.tokens[span.last]
  return first === undefined || last === undefined ? '' : doc.text.slice(first.start, last.end)
}
