// @ts-check
// The adaptive limit's benchmark: an upstream that answers 429 past K calls in flight, the service with and without UPSTREAM_ADAPTIVE.
// Knobs: BENCH_ADAPTIVE_K (8), BENCH_ADAPTIVE_LIMIT (64, the configured UPSTREAM_CONCURRENCY), BENCH_DURATION_S (10),
// BENCH_WARMUP_S (3), BENCH_ADAPTIVE_CONNECTIONS (128). Prints the 429 share of upstream calls after warm-up and the
// successful calls per second as a share of what K allows: the same service configured with exactly K permits and
// nothing adaptive (the oracle an operator would need to know K for), run the same way on the same machine.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runLoad, pickLoadgen } from './lib/loadgen.js'
import { freePort, killAll, start, stop, waitReady } from './lib/proc.js'

const benchDir = dirname(fileURLToPath(import.meta.url))
const root = resolve(benchDir, '..')
/** @param {string} name @param {number} fallback */
const num = (name, fallback) => Number(process.env[name] ?? fallback)
const K = num('BENCH_ADAPTIVE_K', 8)
const limit = num('BENCH_ADAPTIVE_LIMIT', 64)
const durationS = num('BENCH_DURATION_S', 10)
const warmupS = num('BENCH_WARMUP_S', 3)
const connections = num('BENCH_ADAPTIVE_CONNECTIONS', 128)
const latencyMs = 20
const loadgen = pickLoadgen(process.env.BENCH_LOADGEN || 'auto')
const workDir = mkdtempSync(join(os.tmpdir(), 'bench-adaptive-'))

/** @param {number} port @param {string} path @param {string} [method] */
async function upstreamJson (port, path, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method })
  return /** @type {Record<string, number>} */ (await res.json())
}

/** @param {boolean} adaptive @param {number} concurrency */
async function run (adaptive, concurrency) {
  const upPort = await freePort()
  const upstream = start({ name: 'upstream', argv: [process.execPath, join(benchDir, 'upstream.js')], cpus: undefined, logPath: join(workDir, 'upstream.out'), env: { PORT: String(upPort), UPSTREAM_LATENCY_MS: String(latencyMs), UPSTREAM_MAX_IN_FLIGHT: String(K) } })
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
      UPSTREAM_CONCURRENCY: String(concurrency),
      UPSTREAM_ADAPTIVE: String(adaptive),
      REQUEST_TIMEOUT_MS: '30000',
      CACHE: 'false',
      UPSTREAM_RETRY_BUDGET_RATIO: '1'
    }
  })
  try {
    await waitReady(`http://127.0.0.1:${port}/healthz`, 20_000, service.child)
    await runLoad({ tool: loadgen, port, connections, durationS: warmupS, bodies: { kind: 'unique' }, workDir, cpus: undefined })
    await upstreamJson(upPort, '/__reset', 'POST')
    const load = await runLoad({ tool: loadgen, port, connections, durationS, bodies: { kind: 'unique' }, workDir, cpus: undefined })
    const stats = await upstreamJson(upPort, '/__stats')
    const served = stats.calls - stats.refused
    return {
      share429: stats.refused / stats.calls,
      callsPerS: served / load.durationS,
      requestsPerS: load.rps,
      non2xx: load.non2xx,
      errors: load.errors
    }
  } finally {
    await stop(service.child)
    await stop(upstream.child)
  }
}

try {
  console.log(`adaptive limit: upstream 429 past K = ${K} calls in flight, ${latencyMs} ms a call (K allows ${K * 1000 / latencyMs} calls/s); UPSTREAM_CONCURRENCY=${limit}; ${connections} connections, ${durationS} s after ${warmupS} s warm-up; node ${process.version}`)
  const oracle = await run(false, K)
  /** @param {string} label @param {Awaited<ReturnType<typeof run>>} r */
  const line = (label, r) => console.log(`${label}: 429 share ${(r.share429 * 100).toFixed(1)} %, successful calls ${r.callsPerS.toFixed(0)}/s = ${(r.callsPerS / oracle.callsPerS * 100).toFixed(0)} % of what K allows, ${r.requestsPerS.toFixed(0)} req/s, ${r.non2xx} non-2xx, ${r.errors} errors`)
  line(`what K allows (UPSTREAM_CONCURRENCY=${K}, not adaptive)`, oracle)
  line(`UPSTREAM_CONCURRENCY=${limit}, UPSTREAM_ADAPTIVE=true`, await run(true, limit))
  line(`UPSTREAM_CONCURRENCY=${limit}, UPSTREAM_ADAPTIVE=false`, await run(false, limit))
} finally {
  killAll()
  rmSync(workDir, { recursive: true, force: true })
}
