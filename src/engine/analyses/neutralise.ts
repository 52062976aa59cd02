// An offset-preserving rewrite of a text that wink-nlp tokenises in linear time and without losing letters.
// Every output character stands for the input character at the same UTF-16 index, so offsets found in the
// rewrite are offsets into the original, and surfaces are always cut from the original.

/** wink's tokeniser is quadratic in a token's length; no English word, name or amount is this long. */
export const MAX_RUN = 64

const LETTER = /\p{L}/u
const UPPER = /\p{Lu}/u
const MARK = /\p{M}/u
const SPACE = /\s/u
// Letters outside Latin-1 with no decomposition to an ASCII base.
const FOLDS: Readonly<Record<string, string>> = {
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŧ: 't',
  Ŧ: 'T',
  ŋ: 'n',
  Ŋ: 'N',
  œ: 'o',
  Œ: 'O',
  ſ: 's',
  ƒ: 'f',
  ɨ: 'i',
  ə: 'e',
  Ə: 'E',
  ŀ: 'l',
  Ŀ: 'L',
  ĸ: 'k'
}
const cache = new Map<number, string>()

/**
 * wink knows Latin-1 letters only (it cuts "Skłodowska" at "ł") and a few kinds of space (it loses the
 * offsets after U+3000). So: a letter beyond Latin-1 becomes its ASCII base ("ł" → "l", "ễ" → "e"), or "X"/"x"
 * when it has none (other scripts, combining marks); a space it does not know becomes " "; and a run of more
 * than MAX_RUN characters without a space gets one, so no token is longer. Such runs are pushed
 * onto `longRuns` as [start, end) offsets: no word, name or amount is in them.
 */
export function neutralise (text: string, longRuns: Array<[start: number, end: number]> = []): string {
  let out = ''
  let from = 0
  let run = 0
  // the run of characters without a space that the current character belongs to, and whether it was cut
  let runStart = 0
  let cut = false
  const endRun = (i: number): void => {
    if (cut) longRuns.push([runStart, i])
    cut = false
    run = 0
    runStart = i + 1
  }
  const put = (i: number, s: string): void => {
    out += text.slice(from, i) + s
    from = i + s.length
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
      endRun(i)
      continue
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || (c > 0xff && isOtherSpace(c))) {
      put(i, ' ')
      endRun(i)
      continue
    }
    if (++run > MAX_RUN) {
      // a surrogate pair is replaced whole, so the output never holds half of one
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length
      put(i, pair ? '  ' : ' ')
      if (pair) i++
      run = 0
      cut = true
      continue
    }
    if (c <= 0xff) continue
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const pairText = text.slice(i, i + 2)
      if (LETTER.test(pairText) || MARK.test(pairText)) put(i, UPPER.test(pairText) ? 'Xx' : 'xx')
      i++
      run++
      continue
    }
    const folded = fold(c)
    if (folded !== undefined) put(i, folded)
  }
  endRun(text.length)
  return from === 0 ? text : out + text.slice(from)
}

function isOtherSpace (c: number): boolean {
  return (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

/** One character for a BMP letter or mark beyond Latin-1; undefined leaves the character as it is. */
function fold (c: number): string | undefined {
  const hit = cache.get(c)
  if (hit !== undefined) return hit === '' ? undefined : hit
  const ch = String.fromCharCode(c)
  let out = ''
  if (LETTER.test(ch) || MARK.test(ch)) {
    const base = ch.normalize('NFD').charAt(0)
    out = FOLDS[ch] ?? (/^[A-Za-z]$/u.test(base) ? base : UPPER.test(ch) ? 'X' : 'x')
  } else if (SPACE.test(ch)) {
    out = ' '
  }
  cache.set(c, out)
  return out === '' ? undefined : out
}
