// Scores the engine's entities against the hand-annotated evaluation set in test/engine/fixtures/eval/.
//
// Scoring rule: for each document, the engine's answer and the annotation are each a set of unique
// (label, text) pairs, text single-spaced; a predicted pair is right only if the same label and the
// same text are in the annotation. True positives, predictions and annotations are summed over the
// documents (micro-average), then precision = tp / predicted, recall = tp / annotated, F1 their
// harmonic mean; per label the same, counting only pairs with that label. The set's dev half is for
// development; the held-out half is scored but its errors are never printed.
//
// Run: npm run eval:engine [-- --errors] [-- --engine path/to/ner.js] [-- --json]
// --errors prints the dev half's misses and false alarms; --engine scores another build (a baseline).
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const option = (name) => { const i = args.indexOf(name); return i === -1 ? undefined : args[i + 1] }
const enginePath = option('--engine') ?? new URL('../dist/engine/analyses/ner.js', import.meta.url).pathname
const { ner } = await import(pathToFileURL(resolve(enginePath)).href)

export const LABELS = ['PERSON', 'NORP', 'FAC', 'ORG', 'GPE', 'LOC', 'PRODUCT', 'EVENT', 'WORK_OF_ART', 'LAW',
  'LANGUAGE', 'DATE', 'TIME', 'PERCENT', 'MONEY', 'QUANTITY', 'ORDINAL', 'CARDINAL']
const MARK = /\{([^{}|]+)\|([A-Z_]+)\}/gu
const spaced = (s) => s.replace(/\s+/gu, ' ').trim()

/** A marked-up file: "kind: news", "---", then prose where {text|LABEL} marks an entity. */
export function parse (source, name) {
  const [header, ...rest] = source.split(/^---$/mu)
  const kind = /kind:\s*(\S+)/u.exec(header ?? '')?.[1] ?? 'unknown'
  const body = rest.join('---').replace(/^\n/u, '')
  const entities = new Set()
  for (const m of body.matchAll(MARK)) {
    if (!LABELS.includes(m[2])) throw new Error(`${name}: unknown label ${m[2]} on "${m[1]}"`)
    entities.add(`${m[2]}\u0000${spaced(m[1])}`)
  }
  const text = body.replace(MARK, '$1')
  if (/[{}]/u.test(text)) throw new Error(`${name}: unbalanced markup near "${text.slice(text.search(/[{}]/u) - 30, text.search(/[{}]/u) + 30)}"`)
  return { name, kind, text, entities }
}

const root = new URL('../test/engine/fixtures/eval/', import.meta.url)
const halves = {}
for (const half of ['dev', 'heldout']) {
  halves[half] = readdirSync(new URL(`${half}/`, root)).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => parse(readFileSync(new URL(`${half}/${f}`, root), 'utf8'), `${half}/${f}`))
}

function score (docs) {
  const per = new Map(LABELS.map((l) => [l, { tp: 0, pred: 0, gold: 0 }]))
  const all = { tp: 0, pred: 0, gold: 0 }
  const errors = []
  for (const doc of docs) {
    const predicted = new Set(ner(doc.text).map(([label, text]) => `${label}\u0000${spaced(text)}`))
    for (const p of predicted) {
      const label = p.split('\u0000')[0]
      const hit = doc.entities.has(p)
      const row = per.get(label) ?? { tp: 0, pred: 0, gold: 0 }
      per.set(label, row)
      row.pred++; all.pred++
      if (hit) { row.tp++; all.tp++ } else errors.push([doc.name, 'false', p])
    }
    for (const g of doc.entities) {
      const row = per.get(g.split('\u0000')[0])
      row.gold++; all.gold++
      if (!predicted.has(g)) errors.push([doc.name, 'missed', g])
    }
  }
  return { all, per, errors }
}

const prf = ({ tp, pred, gold }) => {
  const p = pred === 0 ? 0 : tp / pred
  const r = gold === 0 ? 0 : tp / gold
  return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) }
}
const f2 = (x) => x.toFixed(2)

const results = {
  dev: score(halves.dev),
  heldout: score(halves.heldout),
  all: score([...halves.dev, ...halves.heldout])
}

if (flag('--json')) {
  const out = {}
  for (const [half, r] of Object.entries(results)) {
    out[half] = { overall: { ...prf(r.all), ...r.all }, labels: Object.fromEntries([...r.per].map(([l, c]) => [l, { ...prf(c), ...c }])) }
  }
  console.log(JSON.stringify(out, null, 2))
} else {
  console.log(`engine: ${enginePath}`)
  console.log(`documents: dev ${halves.dev.length}, held-out ${halves.heldout.length}; annotated pairs: dev ${results.dev.all.gold}, held-out ${results.heldout.all.gold}\n`)
  const head = '| label | ' + ['dev', 'held-out', 'all'].map((h) => `${h} P | ${h} R | ${h} F1`).join(' | ') + ' | pairs (all) |'
  console.log(head)
  console.log('|' + ' --- |'.repeat(head.split('|').length - 2))
  const row = (label, pick) => {
    const cells = ['dev', 'heldout', 'all'].map((h) => { const s = prf(pick(results[h])); return `${f2(s.p)} | ${f2(s.r)} | ${f2(s.f)}` })
    console.log(`| ${label} | ${cells.join(' | ')} | ${pick(results.all).gold} |`)
  }
  row('**overall**', (r) => r.all)
  for (const label of LABELS) if (results.all.per.get(label).gold + results.all.per.get(label).pred > 0) row(label, (r) => r.per.get(label))
  if (flag('--errors')) {
    console.log('\nerrors on the dev half (the held-out half is never shown):')
    for (const [doc, kind, pair] of results.dev.errors) console.log(`${doc}\t${kind}\t${pair.replace('\u0000', '\t')}`)
  }
}
