// Named entities: spaCy labels, each entity once, in order of first appearance.
import { readFileSync } from 'node:fs'
import t from 'tap'
import type { Test } from 'tap'
import { EntityLabel, ner } from '../../src/engine/analyses/ner.js'
import type { Entity } from '../../src/engine/analyses/ner.js'

const texts = JSON.parse(readFileSync(new URL('./fixtures/texts.json', import.meta.url), 'utf8')) as Record<'news' | 'review' | 'biography', string>
const LABELS = new Set<string>(Object.values(EntityLabel))

const indexOf = (entities: Entity[], label: string, text: string): number =>
  entities.findIndex(([l, x]) => l === label && x === text)

const assertOnceInOrder = (t: Test, entities: Entity[], expected: Array<[string, string]>): void => {
  const positions = expected.map(([label, text]) => indexOf(entities, label, text))
  for (const [i, [label, text]] of expected.entries()) {
    t.not(positions[i], -1, `${label} ${text} found`)
  }
  t.same(positions, [...positions].sort((a, b) => a - b), 'in order of first appearance')
}

t.test('a biography yields its person, organisation, place and date with spaCy labels, in order', async (t) => {
  const entities = ner(texts.biography)
  assertOnceInOrder(t, entities, [
    ['PERSON', 'Ada Lovelace'],
    ['DATE', '10 December 1815'],
    ['GPE', 'London'],
    // OntoNotes leaves titles out of a name: "Lord" is one
    ['PERSON', 'Byron'],
    ['DATE', '1833'],
    ['PERSON', 'Charles Babbage'],
    ['ORG', 'University of London'],
    ['NORP', 'Italian'],
    ['ORDINAL', 'first'],
    ['CARDINAL', '36']
  ])
  // "London" is written twice, the second time inside "University of London"
  t.equal(entities.filter(([l, x]) => l === 'GPE' && x === 'London').length, 1, 'London once')
})

t.test('a news paragraph yields money, percentages and numbers, and a thrice-named company once', async (t) => {
  const entities = ner(texts.news)
  assertOnceInOrder(t, entities, [
    ['ORG', 'Acme Corp'],
    ['DATE', 'Tuesday'],
    ['CARDINAL', '1,200'],
    ['GPE', 'Germany'],
    ['PERCENT', '15%'],
    ['MONEY', '$4.2 billion'],
    ['PERSON', 'Maria Gonzalez'],
    ['GPE', 'Munich'],
    ['GPE', 'New York']
  ])
  t.equal(entities.filter(([l, x]) => l === 'ORG' && x === 'Acme Corp').length, 1)
  t.equal(entities.filter(([l, x]) => l === 'GPE' && x === 'Germany').length, 1)
})

t.test('a product review names no people or organisations, only its time expressions', async (t) => {
  const entities = ner(texts.review)
  t.same(entities.filter(([l]) => l === 'PERSON' || l === 'ORG'), [])
  t.ok(entities.some(([l, x]) => l === 'DATE' && x === 'last month'))
})

t.test('every entity has a spaCy label, is text of the input, and appears once', async (t) => {
  for (const text of Object.values(texts)) {
    const entities = ner(text)
    for (const [label, surface] of entities) {
      t.ok(LABELS.has(label), `${label} is a spaCy label`)
      t.ok(text.includes(surface), `"${surface}" is in the text`)
      t.notMatch(surface, /^\s|\s$|[,.]$/u, `"${surface}" has no edge space or trailing punctuation`)
    }
    t.equal(new Set(entities.map(([l, x]) => `${l}:${x}`)).size, entities.length)
  }
})

t.test('a title whose quotation marks stand apart on their own lines is cut without the line breaks', async (t) => {
  for (const text of [
    'She read the novel "\nPride and Prejudice" twice.',
    'She read the novel "Pride and Prejudice\n" twice.',
    'She read the novel \u201c\n  Pride and Prejudice  \n\u201d twice.',
    'She read the novel "\n\nPride and Prejudice\r\n\r\n" twice.'
  ]) {
    t.same(ner(text).filter(([label]) => label === 'WORK_OF_ART'), [['WORK_OF_ART', 'Pride and Prejudice']], JSON.stringify(text))
  }
})

t.test('a list of places is split at its commas, and a title and a possessive are left out', async (t) => {
  const entities = ner('Dr. Grace Hopper\'s team moved from Paris, France to Tokyo, Japan in 1962.')
  t.ok(indexOf(entities, 'PERSON', 'Grace Hopper') !== -1, JSON.stringify(entities))
  for (const place of ['Paris', 'France', 'Tokyo', 'Japan']) t.ok(indexOf(entities, 'GPE', place) !== -1, place)
})

t.test('a text without entities gives an empty list', async (t) => {
  t.same(ner('the cat sat on the mat and purred quietly.'), [])
})
