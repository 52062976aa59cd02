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
  /** true on the first token of a line */
  readonly lineStarts: readonly boolean[]
  readonly length: number
}

export function tokensOf (doc: Document, checkpoint: () => void = noop): Tokens {
  const n = doc.tokens.length
  const words: string[] = new Array(n)
  const lower: string[] = new Array(n)
  const types: string[] = new Array(n)
  const pos: string[] = new Array(n)
  const starts: number[] = new Array(n)
  const ends: number[] = new Array(n)
  const opens: boolean[] = new Array(n).fill(false)
  const lineStarts: boolean[] = new Array(n).fill(false)
  const starts0 = new Set<number>()
  for (const s of doc.sentences) starts0.add(s.first)
  // The first real token after a line break, a sentence start, or a sentence's closing punctuation
  // (and any quotes or brackets after it) opens a unit: wink keeps line breaks as tokens of their own.
  let pending = true
  let newLine = true
  for (let i = 0; i < n; i++) {
    if ((i & 4095) === 0) checkpoint()
    const t = doc.tokens[i]
    if (t === undefined) continue
    words[i] = t.text
    lower[i] = t.text.toLowerCase()
    types[i] = t.type
    pos[i] = t.pos
    starts[i] = t.start
    ends[i] = t.end
    const prevEnd = i > 0 ? (doc.tokens[i - 1]?.end ?? 0) : 0
    if (doc.text.slice(prevEnd, t.start).includes('\n')) newLine = true
    if (starts0.has(i) || newLine) pending = true
    if (/^\s*$/u.test(t.text)) {
      if (t.text.includes('\n')) pending = newLine = true
      continue
    }
    if (newLine) {
      lineStarts[i] = true
      newLine = false
    }
    if (pending) {
      opens[i] = true
      pending = false
    }
    if (/^[.!?:;]$/u.test(t.text) || (/^["'”’)\]]$/u.test(t.text) && i > 0 && /^[.!?]$/u.test(doc.tokens[i - 1]?.text ?? ''))) pending = true
    // an opening quote or bracket passes the opening on to the word after it
    if (opens[i] && /^["'“‘([]$/u.test(t.text)) pending = true
  }
  return { text: doc.text, words, lower, types, pos, starts, ends, opens, lineStarts, length: n }
}

/** Whether no space separates token i from the one before it ("Chennai-based", "$60bn"). */
export function joined (t: Tokens, i: number): boolean {
  return i > 0 && t.starts[i] === t.ends[i - 1]
}

function noop (): void {}
