// The token view the entity rules read: each token's text, lower case, kind and offsets, and where sentences start.
import type { Document } from './document.js'

export interface Tokens {
  readonly text: string
  /** as written */
  readonly words: readonly string[]
  readonly lower: readonly string[]
  /** wink's token type: 'word', 'number', 'punctuation', 'currency', 'ordinal', 'decade', 'time', ... */
  readonly types: readonly string[]
  readonly pos: readonly string[]
  readonly starts: readonly number[]
  readonly ends: readonly number[]
  /** true where a sentence starts, or a line (a heading, a byline, a caption) */
  readonly opens: readonly boolean[]
  readonly length: number
}

export function tokensOf (doc: Document): Tokens {
  const n = doc.tokens.length
  const words: string[] = new Array(n)
  const lower: string[] = new Array(n)
  const types: string[] = new Array(n)
  const pos: string[] = new Array(n)
  const starts: number[] = new Array(n)
  const ends: number[] = new Array(n)
  const opens: boolean[] = new Array(n).fill(false)
  for (let i = 0; i < n; i++) {
    const t = doc.tokens[i]
    if (t === undefined) continue
    words[i] = t.text
    lower[i] = t.text.toLowerCase()
    types[i] = t.type
    pos[i] = t.pos
    starts[i] = t.start
    ends[i] = t.end
    // a line break before a token opens a new unit, whatever wink's sentences say
    const prevEnd = i > 0 ? (doc.tokens[i - 1]?.end ?? 0) : 0
    if (i === 0 || doc.text.slice(prevEnd, t.start).includes('\n')) opens[i] = true
  }
  for (const s of doc.sentences) if (s.first < n) opens[s.first] = true
  return { text: doc.text, words, lower, types, pos, starts, ends, opens, length: n }
}

/** Whether no space separates token i from the one before it ("Chennai-based", "$60bn"). */
export function joined (t: Tokens, i: number): boolean {
  return i > 0 && t.starts[i] === t.ends[i - 1]
}
