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
    // wink makes a sentence of trailing whitespace; a sentence needs a letter or a digit.
    let wordlike = false
    for (let i = base + first; i <= base + last && !wordlike; i++) wordlike = WORDLIKE.test(tokens[i]?.text ?? '')
    if (wordlike) sentences.push({ first: base + first, last: base + last })
  }
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
