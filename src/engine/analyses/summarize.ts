// Extractive summary: the text's highest-scoring sentences by word frequency, in their original order.
import { readDocument, spanText } from './document.js'
import type { Document, Span } from './document.js'

export interface SummarizeOptions {
  /** sentences to keep; by default about a third of the text's, at most DEFAULT_MAX_SENTENCES */
  readonly sentences?: number
}

export const DEFAULT_MAX_SENTENCES = 3
const SHARE = 1 / 3
// Headlines and fragments ("Ada Lovelace.") score well on frequency but make poor summaries.
const MIN_WORDS = 4
const CONTENT = new Set(['NOUN', 'PROPN', 'VERB', 'ADJ'])
const LETTER = /\p{L}/u

/**
 * Luhn-style scoring, linear in the text so the engine's body limit bounds its time (TextRank
 * compares every pair of sentences): a word weighs its frequency over the commonest word's, and
 * a sentence scores the weights of its distinct content words over the square root of its length.
 */
export function summarize (text: string, opts: SummarizeOptions = {}): string {
  return summarizeDocument(readDocument(text), opts)
}

/** The same, from a document already read (the three analyses of one text share it). */
export function summarizeDocument (doc: Document, opts: SummarizeOptions = {}, checkpoint: () => void = noop): string {
  if (opts.sentences !== undefined && (!Number.isInteger(opts.sentences) || opts.sentences < 1)) {
    throw new RangeError(`sentences must be a positive integer, got ${opts.sentences}`)
  }
  // headlines, bylines, datelines and photo captions are not what a summary repeats
  const prose = doc.sentences.filter((span) => isProse(doc, span))
  const all = prose.length > 0 ? prose : doc.sentences
  if (all.length <= 1) return all.length === 1 && all[0] !== undefined ? clean(doc, all[0]) : doc.text.trim().replace(/\s+/gu, ' ')
  const keep = opts.sentences ?? Math.min(DEFAULT_MAX_SENTENCES, Math.max(1, Math.round(all.length * SHARE)))
  if (keep >= all.length) return all.map((s) => clean(doc, s)).join(' ')

  const weights = wordWeights(doc)
  checkpoint()
  const long = all.filter((s) => wordCount(doc, s) >= MIN_WORDS)
  const candidates = long.length >= keep ? long : all
  const ranked = candidates
    .map((span, i) => {
      if ((i & 255) === 0) checkpoint()
      return { span, text: clean(doc, span), score: score(doc, span, weights) }
    })
    // stable sort: an earlier sentence wins a tie
    .sort((a, b) => b.score - a.score)
  // a sentence repeated in the text (boilerplate, quotes) is worth one place
  const chosen = new Map<string, Span>()
  for (const c of ranked) {
    if (chosen.size === keep) break
    if (!chosen.has(c.text)) chosen.set(c.text, c.span)
  }
  return [...chosen].sort(([, a], [, b]) => a.first - b.first).map(([sentence]) => sentence).join(' ')
}

const CAPTION = /^(?:photo(?:graph)?|picture|pictured|image|caption|credit|illustration|source|video|watch|listen|read more|related|advertisement|file photo|top)\b\s*[:|—-]/iu
const BYLINE = /^by\s+\p{Lu}/u
const CLOSED = /[.!?…]["'’”)\]]*$/u

/** A sentence a reader would call prose: closed by its punctuation, not a caption, not a byline. */
function isProse (doc: Document, span: Span): boolean {
  const text = clean(doc, span)
  if (!CLOSED.test(text)) return false
  if (CAPTION.test(text) || /^\(?(?:photo|picture|image)s?\b/iu.test(text)) return false
  if (BYLINE.test(text) && text.split(' ').length <= 12) return false
  return true
}

function isContent (doc: Document, i: number): boolean {
  const t = doc.tokens[i]
  return t !== undefined && !t.stopWord && CONTENT.has(t.pos) && LETTER.test(t.text)
}

function wordWeights (doc: Document): Map<string, number> {
  const freq = new Map<string, number>()
  let top = 1
  for (let i = 0; i < doc.tokens.length; i++) {
    if (!isContent(doc, i)) continue
    const lemma = doc.tokens[i]?.lemma ?? ''
    const n = (freq.get(lemma) ?? 0) + 1
    freq.set(lemma, n)
    if (n > top) top = n
  }
  for (const [lemma, n] of freq) freq.set(lemma, n / top)
  return freq
}

function score (doc: Document, span: Span, weights: Map<string, number>): number {
  const seen = new Set<string>()
  let sum = 0
  for (let i = span.first; i <= span.last; i++) {
    if (!isContent(doc, i)) continue
    const lemma = doc.tokens[i]?.lemma ?? ''
    if (seen.has(lemma)) continue
    seen.add(lemma)
    sum += weights.get(lemma) ?? 0
  }
  return sum / Math.sqrt(Math.max(1, wordCount(doc, span)))
}

function wordCount (doc: Document, span: Span): number {
  let n = 0
  for (let i = span.first; i <= span.last; i++) if (doc.tokens[i]?.type === 'word') n++
  return n
}

/** The sentence as written, with line breaks and runs of spaces inside it made single spaces. */
function clean (doc: Document, span: Span): string {
  return spanText(doc, span).replace(/\s+/gu, ' ').trim()
}

function noop (): void {}
