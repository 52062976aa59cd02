// @ts-check
// The batch benchmark: POST /analyze/batch of 1000 unique texts against the 20 ms fake upstream, items per second against the ideal.
// The ideal is what the batch's permits allow with zero overhead: permits / (3 parts x upstream latency). Knobs:
// BENCH_BATCH_ITEMS (1000), BENCH_BATCH_RUNS (5), BENCH_BATCH_LIMIT (32, UPSTREAM_CONCURRENCY). Runs the service with its
// default share (BATCH_CONCURRENCY = half the limit) and with the whole limit, each text unique so that neither the
// cache nor coalescing can flatter it; prints the median of the runs and the upstream's in-flight high-water mark.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, killAll, start, stop, waitReady } from './lib/proc.js'

const benchDir = dirname(fileURLToPath(import.meta.url))
const root = resolve(benchDir, '..')
/** @param {string} name @param {number} fallback */
const num = (name, fallback) => Number(process.env[name] ?? fallback)
const items = num('BENCH_BATCH_ITEMS', 1000)
const runs = num('BENCH_BATCH_RUNS', 5)
const limit = num('BENCH_BATCH_LIMIT', 32)
const latencyMs = 20
const workDir = mkdtempSync(join(os.tmpdir(), 'bench-batch-'))
let serial = 0

/** @param {number} port @param {string} path @param {string} [method] */
async function upstreamJson (port, path, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method })
  return /** @type {Record<string, number>} */ (await res.json())
}

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
  const upPort = await freePort()
  const upstream = start({ name: 'upstream', argv: [process.execPath, join(benchDir, 'upstream.js')], cpus: undefined, logPath: join(workDir, 'upstream.out'), env: { PORT: String(upPort), UPSTREAM_LATENCY_MS: String(latencyMs) } })
  await waitReady(`http://127.0.0.1:${upPort}/__stats`, 20_000, upstream.child)
  const port = await freePort()
  const service = start({
    name: 'service',
    argv: [process.execPath, join(root, 'dist/server.js')],
    cpus: undefined,
    logPath: join(workDir, 'service.out'),
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      TEXT_API_URL: `http://127.0.0.1:${upPort}/text`,
      TEXT_API_KEY: 'bench',
      LOG_LEVEL: 'warn',
      UPSTREAM_CONCURRENCY: String(limit),
      ...(share === undefined ? {} : { BATCH_CONCURRENCY: String(share) })
    }
  })
  try {
    await waitReady(`http://127.0.0.1:${port}/healthz`, 20_000, service.child)
    const ready = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()
    const permits = ready.upstream.limiter.batchLimit
    await batch(port, 200)
    const times = []
    let most = 0
    for (let i = 0; i < runs; i++) {
      // The previous batch's connections settle first.
      await sleep(1000)
      await upstreamJson(upPort, '/__reset', 'POST')
      times.push(await batch(port, items))
      most = Math.max(most, (await upstreamJson(upPort, '/__stats')).maxInFlight)
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)] ?? 0
    const perS = items / (median / 1000)
    const ideal = permits / (3 * latencyMs / 1000)
    return { permits, median, perS, ideal, ratio: perS / ideal, most, times }
  } finally {
    await stop(service.child)
    await stop(upstream.child)
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
