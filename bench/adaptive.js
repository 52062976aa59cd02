// @ts-check
// The adaptive limit's benchmark: an upstream that answers 429 past K calls in flight, the service with and without UPSTREAM_ADAPTIVE.
// Knobs: BENCH_ADAPTIVE_K (8), BENCH_ADAPTIVE_LIMIT (64, the configured UPSTREAM_CONCURRENCY), BENCH_DURATION_S (10),
// BENCH_WARMUP_S (3), BENCH_ADAPTIVE_CONNECTIONS (128). Prints the 429 share of upstream calls after warm-up and the
// successful calls per second as a share of what K allows: the same service configured with exactly K permits and
// nothing adaptive (the oracle an operator would need to know K for), run the same way on the same machine.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { num } from './lib/knobs.js'
import { runLoad, pickLoadgen } from './lib/loadgen.js'
import { killAll } from './lib/proc.js'
import { startStack } from './lib/stack.js'

const K = num('BENCH_ADAPTIVE_K', 8)
const limit = num('BENCH_ADAPTIVE_LIMIT', 64)
const durationS = num('BENCH_DURATION_S', 10)
const warmupS = num('BENCH_WARMUP_S', 3)
const connections = num('BENCH_ADAPTIVE_CONNECTIONS', 128)
const latencyMs = 20
const loadgen = pickLoadgen(process.env.BENCH_LOADGEN || 'auto')
const workDir = mkdtempSync(join(os.tmpdir(), 'bench-adaptive-'))

/** @param {boolean} adaptive @param {number} concurrency */
async function run (adaptive, concurrency) {
  const stack = await startStack({
    workDir,
    latencyMs,
    upstreamEnv: { UPSTREAM_MAX_IN_FLIGHT: String(K) },
    serviceEnv: { UPSTREAM_CONCURRENCY: String(concurrency), UPSTREAM_ADAPTIVE: String(adaptive), REQUEST_TIMEOUT_MS: '30000', CACHE: 'false', UPSTREAM_RETRY_BUDGET_RATIO: '1' },
  })
  try {
    const port = stack.port
    await runLoad({ tool: loadgen, port, connections, durationS: warmupS, bodies: { kind: 'unique' }, workDir, cpus: undefined })
    await stack.upstreamJson('/__reset', 'POST')
    const load = await runLoad({ tool: loadgen, port, connections, durationS, bodies: { kind: 'unique' }, workDir, cpus: undefined })
    const stats = await stack.upstreamJson('/__stats')
    const served = stats.calls - stats.refused
    return {
      share429: stats.refused / stats.calls,
      callsPerS: served / load.durationS,
      requestsPerS: load.rps,
      non2xx: load.non2xx,
      errors: load.errors
    }
  } finally {
    await stack.stop()
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
