// Most common phrases: frequent noun phrases, best first, never a lone stop word, capped.
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { DEFAULT_MAX_PHRASES, mostCommonPhrases } from '../../src/engine/analyses/phrases.js'

const texts = JSON.parse(readFileSync(new URL('./fixtures/texts.json', import.meta.url), 'utf8')) as Record<'news' | 'review' | 'biography', string>

const STOP = new Set(['the', 'a', 'an', 'it', 'i', 'she', 'her', 'them', 'they', 'this', 'these', 'that', 'of', 'and', 'in', 'on', 'is', 'was', 'some', 'most'])
/** occurrences of the phrase as whole words, ignoring case */
const occurrences = (text: string, phrase: string): number =>
  text.toLowerCase().split(new RegExp(`\\b${phrase.toLowerCase().replace(/[.$]/gu, '\\$&')}\\b`, 'u')).length - 1

t.test('a product review\'s phrases are its repeated topics, the commonest first', async (t) => {
  const phrases = mostCommonPhrases(texts.review)
  t.equal(phrases[0], 'battery life', 'written three times')
  t.ok(phrases.includes('noise cancellation'))
  t.ok(phrases.includes('headphones'))
  t.notOk(phrases.includes('battery'), 'a word seen only inside a longer phrase is not repeated alone')
})

t.test('a news paragraph\'s top phrases include its company, named three times', async (t) => {
  const phrases = mostCommonPhrases(texts.news)
  t.ok(phrases.slice(0, 2).includes('Acme Corp'), JSON.stringify(phrases))
})

t.test('a biography\'s phrases include its multi-word names', async (t) => {
  const phrases = mostCommonPhrases(texts.biography)
  t.equal(phrases[0], 'Analytical Engine', JSON.stringify(phrases))
})

t.test('phrases are ordered by how often they occur and are never stop words', async (t) => {
  for (const text of Object.values(texts)) {
    const phrases = mostCommonPhrases(text)
    t.ok(phrases.length > 0 && phrases.length <= DEFAULT_MAX_PHRASES, `${phrases.length} phrases`)
    t.equal(new Set(phrases.map((p) => p.toLowerCase())).size, phrases.length, 'each once')
    for (const phrase of phrases) {
      t.ok(phrase.includes(' ') || !STOP.has(phrase.toLowerCase()), `"${phrase}" is a phrase or a content word`)
      t.notOk(STOP.has(phrase.split(' ')[0]?.toLowerCase() ?? ''), `"${phrase}" does not start with a stop word`)
    }
    // lemmas merge "note" and "notes", so compare as written only where counts differ by the phrase itself
    const counts = phrases.map((p) => occurrences(text, p))
    t.ok(counts.every((n) => n >= 1), `each is in the text: ${JSON.stringify(counts)}`)
    t.ok((counts[0] ?? 0) >= (counts[counts.length - 1] ?? 0), 'the first is at least as common as the last')
  }
})

t.test('the maximum caps the list', async (t) => {
  t.equal(mostCommonPhrases(texts.review, 2).length, 2)
  t.same(mostCommonPhrases(texts.review, 2), mostCommonPhrases(texts.review).slice(0, 2), 'a prefix of the longer list')
  t.ok(mostCommonPhrases(texts.review, 50).length > DEFAULT_MAX_PHRASES)
  t.throws(() => mostCommonPhrases(texts.review, 0), RangeError)
  t.throws(() => mostCommonPhrases(texts.review, 1.5), RangeError)
})

t.test('a text of stop words and verbs has no phrases', async (t) => {
  t.same(mostCommonPhrases('It was what it was, and so it is.'), [])
})

t.test('links, addresses, mentions and overlong tokens are not phrases', async (t) => {
  t.same(mostCommonPhrases(`See https://example.com/page or write to me@example.org, @someone #topic ${'z'.repeat(500)}`), [])
})

t.test('a name is counted whole, never as its first or last name alone', async (t) => {
  const phrases = mostCommonPhrases('Ada Lovelace wrote notes. Ada Lovelace met Babbage. Everyone admired Ada Lovelace.', 10)
  t.equal(phrases[0], 'Ada Lovelace')
  t.notOk(phrases.includes('Ada') || phrases.includes('Lovelace'), JSON.stringify(phrases))
})

t.test('a name with a letter beyond Latin-1 is counted whole', async (t) => {
  // the engine before this cut "Skłodowska" at "ł" into "Maria Sk" and "odowska"
  const phrases = mostCommonPhrases('Maria Skłodowska taught. Maria Skłodowska wrote. Everyone admired Maria Skłodowska.', 3)
  t.equal(phrases[0], 'Maria Skłodowska', JSON.stringify(phrases))
})

t.test('repeated multi-word topics come before generic single nouns', async (t) => {
  const text = 'The share price rose on the day. Battery storage is the topic. Battery storage costs fell this year, ' +
    'and the share of battery storage in new capacity grew. The deal and the day and the year were forgettable; ' +
    'a share is a share, a day is a day, a deal is a deal.'
  const phrases = mostCommonPhrases(text, 3)
  t.equal(phrases[0], 'battery storage', JSON.stringify(phrases))
  for (const generic of ['share', 'deal', 'day', 'year']) t.notOk(phrases.includes(generic), `not "${generic}"`)
})

t.test('a phrase that starts with a name written mid-sentence keeps the name\'s capital', async (t) => {
  t.same(mostCommonPhrases('Investors sold Apple shares. Apple shares rose later. Apple said so.'), ['Apple', 'Apple shares', 'Investors'])
  t.same(mostCommonPhrases('Google search is slow. Google search is fast. Many use Google search daily.'), ['Google search'])
})

t.test('every phrase is written so in the text: the fixtures and the evaluation set', async (t) => {
  const eval_ = new URL('./fixtures/eval/', import.meta.url)
  const evalTexts = ['dev', 'heldout'].flatMap((half) => readdirSync(new URL(`${half}/`, eval_)).filter((f) => f.endsWith('.txt'))
    // the text after the header, without the {text|LABEL} markup
    .map((f) => readFileSync(new URL(`${half}/${f}`, eval_), 'utf8').split(/^---$/mu).slice(1).join('---').replace(/\{([^{}|]+)\|[A-Z_]+\}/gu, '$1')))
  const patterns = (JSON.parse(readFileSync(new URL('./fixtures/patterns.json', import.meta.url), 'utf8')) as { cases: Array<{ text: string }> }).cases.map((c) => c.text)
  for (const text of [...Object.values(texts), ...evalTexts, ...patterns]) {
    // phrases are single-spaced, like the rest of the engine's output
    const spaced = text.replace(/\s+/gu, ' ')
    for (const phrase of mostCommonPhrases(text, 20)) t.ok(spaced.includes(phrase), `"${phrase}" is in "${spaced.slice(0, 40)}…"`)
  }
})
