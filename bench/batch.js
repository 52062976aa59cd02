// @ts-check
// The batch benchmark: POST /analyze/batch of 1000 unique texts against the 20 ms fake upstream, items per second against the ideal.
// The ideal is what the batch's permits allow with zero overhead: permits / (3 parts x upstream latency). Knobs:
// BENCH_BATCH_ITEMS (1000), BENCH_BATCH_RUNS (5), BENCH_BATCH_LIMIT (32, UPSTREAM_CONCURRENCY). Runs the service with its
// default share (BATCH_CONCURRENCY = half the limit) and with the whole limit, each text unique so that neither the
// cache nor coalescing can flatter it; prints the median of the runs and the upstream's in-flight high-water mark.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { num } from './lib/knobs.js'
import { killAll } from './lib/proc.js'
import { startStack } from './lib/stack.js'

const items = num('BENCH_BATCH_ITEMS', 1000)
const runs = num('BENCH_BATCH_RUNS', 5)
const limit = num('BENCH_BATCH_LIMIT', 32)
const latencyMs = 20
const workDir = mkdtempSync(join(os.tmpdir(), 'bench-batch-'))
let serial = 0

/** One batch of `count` texts never sent before; resolves with its duration and its summary line. */
async function batch (port, count) {
  const body = JSON.stringify({ items: Array.from({ length: count }, (_, i) => ({ id: i, text: `Ada Lovelace worked with Charles Babbage in London. Text ${process.pid}-${++serial}.` })) })
  const startedAt = performance.now()
  const res = await fetch(`http://127.0.0.1:${port}/analyze/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const text = await res.text()
  const ms = performance.now() - startedAt
  const lines = text.trimEnd().split('\n')
  const summary = JSON.parse(lines.at(-1) ?? '{}')
  if (res.status !== 200 || lines.length !== count + 1 || summary.outcomes?.ok !== count) throw new Error(`batch failed: ${res.status}, ${lines.length} lines, ${lines.at(-1)}`)
  return ms
}

/** @param {number | undefined} share BATCH_CONCURRENCY, or the default */
async function run (share) {
  const stack = await startStack({
    workDir,
    latencyMs,
    serviceEnv: { UPSTREAM_CONCURRENCY: String(limit), ...(share === undefined ? {} : { BATCH_CONCURRENCY: String(share) }) },
  })
  try {
    const ready = await (await fetch(`http://127.0.0.1:${stack.port}/healthz`)).json()
    const permits = ready.upstream.limiter.batchLimit
    await batch(stack.port, 200)
    const times = []
    let most = 0
    for (let i = 0; i < runs; i++) {
      // The previous batch's connections settle first.
      await sleep(1000)
      await stack.upstreamJson('/__reset', 'POST')
      times.push(await batch(stack.port, items))
      most = Math.max(most, (await stack.upstreamJson('/__stats')).maxInFlight)
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)] ?? 0
    const perS = items / (median / 1000)
    const ideal = permits / (3 * latencyMs / 1000)
    return { permits, median, perS, ideal, ratio: perS / ideal, most, times }
  } finally {
    await stack.stop()
  }
}

try {
  console.log(`batch: ${items} unique texts a batch, ${runs} runs, upstream ${latencyMs} ms a call, UPSTREAM_CONCURRENCY=${limit}; node ${process.version}, ${os.cpus().length} cpus`)
  for (const share of [undefined, limit]) {
    const r = await run(share)
    console.log(`BATCH_CONCURRENCY=${share ?? `default (${r.permits})`}: median ${r.median.toFixed(0)} ms, ${r.perS.toFixed(0)} items/s; ideal ${r.permits} / (3 x ${latencyMs} ms) = ${r.ideal.toFixed(0)} items/s; ratio ${r.ratio.toFixed(2)}; upstream in flight at most ${r.most}; runs ${r.times.map((t) => t.toFixed(0)).join(', ')} ms`)
  }
} finally {
  killAll()
  rmSync(workDir, { recursive: true, force: true })
}
