// In-process bench of the engine's analyses (dist/engine/analyses): each hostile text of
// test/engine/fixtures/hostile.json at 50 000 characters, the worst of them, and chars/s on prose.
// Run: npm run bench:analyses   Knobs: BENCH_CHARS (default 50000), BENCH_RUNS (best of, default 3).
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { analyse, analysisKinds } from '../dist/engine/analyses/index.js'
import { hostileText } from '../test/engine/fixtures/hostile-text.js'

const CHARS = Number(process.env.BENCH_CHARS ?? 50_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const fixture = (name) => JSON.parse(readFileSync(new URL(`../test/engine/fixtures/${name}`, import.meta.url), 'utf8'))

function time (text) {
  let best = { ms: Infinity, gap: 0 }
  for (let r = 0; r < RUNS; r++) {
    let last = performance.now()
    let gap = 0
    const start = last
    analyse(text, analysisKinds, { checkpoint: () => { const now = performance.now(); gap = Math.max(gap, now - last); last = now } })
    const ms = performance.now() - start
    if (ms < best.ms) best = { ms, gap: Math.max(gap, performance.now() - last) }
  }
  return best
}

time('Ada Lovelace met Charles Babbage in London on 5 June 1833 and paid $2.5m.')
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg()[0].toFixed(1)}, best of ${RUNS}`)

// A worker thread's start, as the engine's pool pays it: load the analyses, warm them up.
const started = await new Promise((resolve, reject) => {
  const code = `
    const { parentPort } = require('node:worker_threads')
    const v8 = require('node:v8')
    const t0 = performance.now()
    import(${JSON.stringify(new URL('../dist/engine/warm-up.js', import.meta.url).href)}).then(({ warmUp }) => {
      const loaded = performance.now()
      warmUp()
      parentPort.postMessage({ load: loaded - t0, warm: performance.now() - loaded, heap: v8.getHeapStatistics().used_heap_size })
    })`
  const worker = new Worker(code, { eval: true })
  worker.once('message', (m) => { resolve(m); worker.terminate() })
  worker.once('error', reject)
})
console.log(`worker start: load ${started.load.toFixed(0)} ms, warm-up ${started.warm.toFixed(0)} ms, heap ${(started.heap / 1048576).toFixed(0)} MiB`)

// prose: the evaluation set's news texts (markup stripped), joined to 24 000 characters
const evalDir = new URL('../test/engine/fixtures/eval/', import.meta.url)
let prose = ''
for (const half of ['dev', 'heldout']) {
  for (const f of readdirSync(new URL(`${half}/`, evalDir))) {
    const source = readFileSync(new URL(`${half}/${f}`, evalDir), 'utf8')
    if (/kind:\s*news/u.test(source)) prose += `${source.split(/^---$/mu)[1].replace(/\{([^{}|]+)\|[A-Z_]+\}/gu, '$1').trim()}\n\n`
  }
}
while (prose.length < 24_000) prose += prose
prose = prose.slice(0, 24_000)
const p = time(prose)
console.log(`prose, 24 000 chars: ${p.ms.toFixed(0)} ms (${Math.round(24_000 / p.ms * 1000).toLocaleString('en')} chars/s), longest gap between checkpoints ${p.gap.toFixed(1)} ms`)

const rows = []
for (const recipe of fixture('hostile.json').texts) {
  const text = hostileText(recipe, CHARS)
  const r = time(text)
  rows.push({ name: recipe.name, chars: text.length, ...r })
}
rows.sort((a, b) => b.ms - a.ms)
console.log('\ntext'.padEnd(36) + 'chars'.padStart(8) + 'ms'.padStart(8) + 'chars/s'.padStart(12) + 'gap ms'.padStart(9))
for (const r of rows) {
  console.log(r.name.padEnd(35) + String(r.chars).padStart(8) + r.ms.toFixed(0).padStart(8) + Math.round(r.chars / r.ms * 1000).toLocaleString('en').padStart(12) + r.gap.toFixed(1).padStart(9))
}
const worst = rows[0]
console.log(`\nworst: "${worst.name}", ${worst.chars} chars in ${worst.ms.toFixed(0)} ms (all three analyses)`)
