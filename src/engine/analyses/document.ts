// A text read once by wink-nlp: tokens with character offsets, sentences and wink's own entities.
import winkNLP from 'wink-nlp'
import model from 'wink-eng-lite-web-model'
import type { PartOfSpeech } from 'wink-nlp'

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

export interface WinkEntity extends Span {
  readonly type: string
}

export interface Document {
  readonly text: string
  readonly tokens: readonly Token[]
  readonly sentences: readonly Span[]
  readonly entities: readonly WinkEntity[]
}

// Sentiment and negation are not used; leaving them out of the pipe saves a third of the parse time.
const nlp = winkNLP(model, ['sbd', 'pos', 'ner'])
const its = nlp.its
const WORDLIKE = /[\p{L}\p{N}]/u
// wink's typings give its.lemma a signature out() does not accept; at run time out() passes the addons.
const lemmaOf = its.lemma as unknown as typeof its.value

export function readDocument (text: string): Document {
  const doc = nlp.readDoc(text)
  const all = doc.tokens()
  const values = all.out(its.value) as string[]
  const spaces = all.out(its.precedingSpaces) as string[]
  const pos = all.out(its.pos) as PartOfSpeech[]
  const types = all.out(its.type) as string[]
  const lemmas = all.out(lemmaOf) as string[]
  const stops = all.out(its.stopWordFlag) as boolean[]

  // wink keeps every character: preceding spaces + value, concatenated, is the input.
  const tokens: Token[] = []
  let offset = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? ''
    const start = offset + (spaces[i] ?? '').length
    offset = start + value.length
    tokens.push({
      text: value,
      pos: pos[i] ?? 'X',
      type: types[i] ?? 'word',
      lemma: (lemmas[i] ?? value).toLowerCase(),
      stopWord: stops[i] ?? false,
      start,
      end: offset
    })
  }

  const sentences = (doc.sentences().out(its.span) as unknown as number[][])
    .map(([first = 0, last = -1]) => ({ first, last }))
    // wink makes a sentence of trailing whitespace; a sentence needs a letter or a digit.
    .filter((s) => tokens.slice(s.first, s.last + 1).some((t) => WORDLIKE.test(t.text)))

  const spans = doc.entities().out(its.span) as unknown as number[][]
  const kinds = doc.entities().out(its.type) as string[]
  const entities = spans.map(([first = 0, last = 0], i) => ({ first, last, type: kinds[i] ?? '' }))

  return { text, tokens, sentences, entities }
}

/** The original text a span covers, from its first token's start to its last token's end. */
export function spanText (doc: Document, span: Span): string {
  const first = doc.tokens[span.first]
  const last = doc.tokens[span.last]
  return first === undefined || last === undefined ? '' : doc.text.slice(first.start, last.end)
}
