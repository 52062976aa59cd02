// The patterns issue 17 found wrong, each with a text the engine before it got wrong and now gets right.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { ner } from '../../src/engine/analyses/ner.js'

interface Case { readonly pattern: string, readonly text: string, readonly expect: Array<[string, string]>, readonly absent?: Array<[string, string]> }
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/patterns.json', import.meta.url), 'utf8')) as { cases: Case[] }

for (const c of cases) {
  t.test(c.pattern, async (t) => {
    const entities = ner(c.text)
    const has = (label: string, text: string): boolean => entities.some(([l, x]) => l === label && x === text)
    for (const [label, text] of c.expect) t.ok(has(label, text), `${label} "${text}" in ${JSON.stringify(entities)}`)
    for (const [label, text] of c.absent ?? []) t.notOk(has(label, text), `no ${label} "${text}"`)
  })
}
