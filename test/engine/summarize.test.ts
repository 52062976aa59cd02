// Extractive summaries: the text's own sentences, in order, fewer of them.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { summarize } from '../../src/engine/analyses/summarize.js'

const texts = JSON.parse(readFileSync(new URL('./fixtures/texts.json', import.meta.url), 'utf8')) as Record<'news' | 'review' | 'biography', string>

// Independent of the engine's splitter: these texts end every sentence with ". " and use no
// abbreviation except "Corp.", which at worst splits a sentence in two on both sides alike.
const sentencesOf = (text: string): string[] => text.trim().split(/(?<=[.!?])\s+/u)

for (const kind of ['news', 'review', 'biography'] as const) {
  t.test(`summary of a ${kind} is fewer of its own sentences, in their original order`, async (t) => {
    const text = texts[kind]
    const summary = summarize(text)
    const source = sentencesOf(text)
    const picked = sentencesOf(summary)
    t.ok(summary.length < text.length, 'shorter than the input')
    t.ok(picked.length >= 1 && picked.length < source.length, `${picked.length} of ${source.length} sentences`)
    const positions = picked.map((s) => source.indexOf(s))
    t.notOk(positions.includes(-1), 'every sentence is one of the input\'s')
    t.same(positions, [...positions].sort((a, b) => a - b), 'in original order')
    t.equal(new Set(positions).size, positions.length, 'no sentence twice')
  })
}

t.test('a one-sentence text summarizes to itself', async (t) => {
  t.equal(summarize('Ada Lovelace wrote the first published algorithm.'), 'Ada Lovelace wrote the first published algorithm.')
  t.equal(summarize('  Padding is trimmed, nothing else.\n'), 'Padding is trimmed, nothing else.')
})

t.test('the news summary keeps the lede, which holds the most frequent words', async (t) => {
  t.match(summarize(texts.news), /^Acme Corp said on Tuesday that it will cut 1,200 jobs/u)
})

t.test('the sentences option sets how many sentences are kept', async (t) => {
  t.equal(sentencesOf(summarize(texts.biography, { sentences: 1 })).length, 1)
  t.equal(sentencesOf(summarize(texts.biography, { sentences: 4 })).length, 4)
  t.throws(() => summarize(texts.biography, { sentences: 0 }), RangeError)
})

t.test('a sentence repeated in the text appears in the summary once', async (t) => {
  const text = `${texts.review} ${texts.review}`
  const picked = sentencesOf(summarize(text))
  t.equal(new Set(picked).size, picked.length)
})

t.test('line breaks inside a chosen sentence become single spaces', async (t) => {
  const text = 'The engine reads\nthe whole text quickly. Short one. The engine then\n  returns the engine summary text.'
  t.notMatch(summarize(text, { sentences: 2 }), /\n| {2}/u)
})

t.test('a news page\'s headline, byline, dateline and photo caption stay out of the summary, single-spaced', async (t) => {
  const page = [
    'Acme Cuts 1,200 Jobs as Robot Demand Slows',
    '',
    'By Jane Doe, industry correspondent',
    '',
    'Chicago, 3 March 2024',
    '',
    'Acme Corp said on Tuesday that it will cut 1,200 jobs as demand for its industrial robots slows.  The company reported a 15% drop in revenue.',
    'Most of the job cuts will fall on the robot factory in Munich, which employs 3,000 people.',
    '',
    'Photo: Robots on the assembly line at the Acme factory in Munich on Monday. (Reuters)',
    '',
    'Union leaders in Germany criticised the job cuts and called for talks with Acme about the robot factory.',
    'Analysts said the robot market could recover next year.'
  ].join('\n')
  const summary = summarize(page)
  for (const excluded of ['Acme Cuts', 'By Jane Doe', 'Chicago, 3 March', 'Photo:', '(Reuters)']) t.notOk(summary.includes(excluded), `no "${excluded}"`)
  t.notMatch(summary, /\s{2}|\n/u, 'single spaces only')
  t.match(summary, /^Acme Corp said on Tuesday/u)
})
