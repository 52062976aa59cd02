// Titles in quotation marks ("the novel “Pride and Prejudice”"): WORK_OF_ART, without the quotes.
import type { Match } from './numeric.js'
import type { Tokens } from './tokens.js'

const OPEN = new Set(['"', '“', '‘', "'"])
const CLOSE: Readonly<Record<string, string>> = { '"': '"', '“': '”', '‘': '’', "'": "'" }
const SMALL = new Set(['a', 'an', 'the', 'of', 'and', 'or', 'in', 'on', 'at', 'to', 'for', 'with', 'from', 'by', 'is', 'be', 'my', 'your', 'our', 'it', 'as'])
const KINDS = new Set(['book', 'novel', 'film', 'movie', 'song', 'album', 'single', 'play', 'series', 'show', 'poem',
  'painting', 'opera', 'documentary', 'essay', 'memoir', 'biography', 'story', 'titled', 'entitled', 'called', 'track',
  'sculpture', 'symphony', 'musical', 'sitcom', 'drama', 'podcast', 'programme', 'program', 'report', 'column', 'bestseller',
  'ballad', 'anthem', 'hit', 'episode', 'game', 'comedy', 'thriller', 'trilogy', 'saga'])
const MAX_TITLE_TOKENS = 10
const BLANK = /^\s*$/u

export function worksOfArt (t: Tokens, checkpoint: () => void): Match[] {
  const out: Match[] = []
  for (let i = 0; i < t.length; i++) {
    if ((i & 1023) === 0) checkpoint()
    const q = t.words[i] ?? ''
    if (!OPEN.has(q)) continue
    const close = CLOSE[q]
    let j = i + 1
    while (j < t.length && j - i <= MAX_TITLE_TOKENS && t.words[j] !== close && !/^[.!?,]$/u.test(t.words[j] ?? '')) j++
    // American style puts the full stop or comma inside: "Attention Is All You Need."
    const inside = /^[.!?,]$/u.test(t.words[j] ?? '') && t.words[j + 1] === close
    if ((t.words[j] !== close && !inside) || j - i < 2) continue
    let capitals = 0
    let lowers = 0
    for (let k = i + 1; k < j; k++) {
      const w = t.words[k] ?? ''
      if (/^\p{Lu}/u.test(w)) capitals++
      else if (/^\p{Ll}/u.test(w) && !SMALL.has(w)) lowers++
    }
    const kind = KINDS.has(t.lower[i - 1] ?? '') || KINDS.has(t.lower[i - 2] ?? '')
    // wink keeps a line break as a token: one just inside a quotation mark is no part of the title
    let first = i + 1
    let end = j
    while (first < end && BLANK.test(t.words[first] ?? '')) first++
    while (end > first && BLANK.test(t.words[end - 1] ?? '')) end--
    if (lowers === 0 && capitals >= 1 && (capitals >= 2 || kind) && (kind || end - first >= 2)) out.push({ label: 'WORK_OF_ART', first, end })
    i = inside ? j + 1 : j
  }
  return out
}
