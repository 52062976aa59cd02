// @ts-check
// The benchmark's scenarios and their targets; every number can be overridden with BENCH_<NAME>_{CONCURRENCY,CONNECTIONS,LATENCY_MS}.

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} what
 * @property {number} concurrency UPSTREAM_CONCURRENCY given to both targets
 * @property {number} connections load-generator connections
 * @property {number} latencyMs fake upstream latency per endpoint
 * @property {number} warmupFactor times BENCH_WARMUP_S of unmeasured load before the rounds
 * @property {import('./loadgen.js').Bodies} bodies what each request sends
 * @property {'floor' | 'fastify' | 'constant' | 'local'} reference what the service is measured against
 * @property {Record<string, string>} [env] given to the service (and to a `local` reference)
 * @property {boolean} [redis] start a redis-server and give the service (not the reference) REDIS_URL
 */

/** @type {Scenario[]} */
// Every scenario but `cached` sends a new text per request: the cache and coalescing must not flatter it.
const unique = /** @type {const} */ ({ kind: 'unique' })
const defaults = [
  { name: 'permit', what: 'permit-bound: 64 permits, 64 connections', concurrency: 64, connections: 64, latencyMs: 20, warmupFactor: 1, bodies: unique, reference: 'floor' },
  { name: 'connection', what: 'connection-bound: ceiling 64 / 20 ms = 3 200 req/s', concurrency: 1024, connections: 64, latencyMs: 20, warmupFactor: 1, bodies: unique, reference: 'floor' },
  { name: 'cpu', what: 'CPU-bound: ceiling 12 800 req/s, the process cost decides', concurrency: 4096, connections: 256, latencyMs: 20, warmupFactor: 1, bodies: unique, reference: 'floor' },
  { name: 'light', what: 'light load: 8 connections', concurrency: 64, connections: 8, latencyMs: 20, warmupFactor: 1, bodies: unique, reference: 'floor' },
  // 512 connections x 3 calls need 1 536 permits; 2 048 keeps the slow case about the upstream, not the semaphore.
  // Ten times the latency means far fewer requests per second of warm-up, and 2 000 sockets to open.
  { name: 'slow', what: 'slow upstream: 200 ms, 512 connections', concurrency: 2048, connections: 512, latencyMs: 200, warmupFactor: 2, bodies: unique, reference: 'floor' },
  // One text, warm cache: against a Fastify route that answers a constant document of the same size.
  { name: 'cached', what: 'cached: one text, warm cache, CPU-bound, against a constant Fastify route', concurrency: 4096, connections: 256, latencyMs: 20, warmupFactor: 1, bodies: /** @type {const} */ ({ kind: 'same' }), reference: 'constant' },
  // The cluster-wide limit's cost: the service with Redis (leases, no cache) against itself without it.
  { name: 'shared', what: 'shared limit: the CPU-bound load with REDIS_URL, against the same service without Redis (cache off in both)', concurrency: 4096, connections: 256, latencyMs: 20, warmupFactor: 1, bodies: unique, reference: 'local', env: { CACHE: 'false' }, redis: true },
  // A fifth of the requests resend an earlier text: what the cache saves upstream.
  { name: 'mixed', what: 'mixed: 20 % of requests repeat an earlier text', concurrency: 1024, connections: 64, latencyMs: 20, warmupFactor: 1, bodies: /** @type {const} */ ({ kind: 'mixed', repeat: 0.2 }), reference: 'floor' }
]

export const scenarioNames = defaults.map((s) => s.name)
/** What `npm run bench` runs by default: all of them. */
export const defaultScenarios = scenarioNames

/** @param {string} name @returns {Scenario} */
export function scenario (name) {
  const base = defaults.find((s) => s.name === name)
  if (base === undefined) throw new Error(`unknown scenario ${name}; known: ${scenarioNames.join(', ')}`)
  const key = `BENCH_${name.toUpperCase()}_`
  /** @param {string} suffix @param {number} fallback */
  const num = (suffix, fallback) => {
    const raw = process.env[key + suffix]
    if (raw === undefined || raw === '') return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${key + suffix} must be a positive number, got ${raw}`)
    return n
  }
  return {
    ...base,
    concurrency: num('CONCURRENCY', base.concurrency),
    connections: num('CONNECTIONS', base.connections),
    latencyMs: num('LATENCY_MS', base.latencyMs)
  }
}

/**
 * @typedef {object} Summary medians over rounds, and worst cases where a target needs them
 * @property {number} rps
 * @property {number} p50
 * @property {number} p90
 * @property {number} p99
 * @property {number} cpuUsPerReq
 * @property {number} peakRssMiB
 * @property {number} errors sum over rounds
 * @property {number} non2xx sum over rounds
 * @property {number} upstreamMaxInFlight max over rounds
 * @property {number} upstreamCallsPerReq median over rounds
 * @property {number} [redisCpuUsPerReq] median over rounds, when a redis-server ran
 */

/**
 * Pass/fail per target of the issue; ratios are service / reference (the floor, or the constant route).
 * @param {Scenario} s
 * @param {Summary | undefined} svc
 * @param {Summary | undefined} floor the reference's summary
 * @param {Record<string, number> | undefined} ratio
 * @returns {{ target: string, pass: boolean | null, detail: string }[]}
 */
export function checkTargets (s, svc, floor, ratio) {
  if (svc === undefined) return []
  /** @type {{ target: string, pass: boolean | null, detail: string }[]} */
  const out = []
  /** @param {string} target @param {string} key @param {'>=' | '<='} op @param {number} bound */
  const vsFloor = (target, key, op, bound) => {
    const r = ratio?.[key]
    if (r === undefined) return out.push({ target, pass: null, detail: 'no floor in this run' })
    out.push({ target, pass: op === '>=' ? r >= bound : r <= bound, detail: `${r.toFixed(3)}x (need ${op} ${bound})` })
  }
  const noErrors = () => out.push({ target: 'zero errors and non-2xx', pass: svc.errors + svc.non2xx === 0, detail: `${svc.errors} errors, ${svc.non2xx} non-2xx` })
  switch (s.name) {
    case 'cpu':
      vsFloor('throughput >= 0.85x floor', 'rps', '>=', 0.85)
      vsFloor('CPU/request <= 1.25x floor', 'cpuUsPerReq', '<=', 1.25)
      vsFloor('p99 <= 1.5x floor', 'p99', '<=', 1.5)
      vsFloor('peak RSS <= 1.2x floor', 'peakRssMiB', '<=', 1.2)
      noErrors()
      break
    case 'connection':
      vsFloor('throughput >= 0.95x floor', 'rps', '>=', 0.95)
      break
    case 'permit':
      vsFloor('throughput >= 0.97x floor', 'rps', '>=', 0.97)
      out.push({ target: `upstream max in flight <= ${s.concurrency}`, pass: svc.upstreamMaxInFlight <= s.concurrency, detail: `max ${svc.upstreamMaxInFlight} over all rounds` })
      break
    case 'light': {
      const fl = (/** @type {'p50' | 'p99'} */ k) => (floor ? ` (floor ${floor[k].toFixed(2)} ms)` : '')
      out.push({ target: `p50 <= ${s.latencyMs + 2} ms`, pass: svc.p50 <= s.latencyMs + 2, detail: `${svc.p50.toFixed(2)} ms${fl('p50')}` })
      out.push({ target: `p99 <= ${s.latencyMs + 5} ms`, pass: svc.p99 <= s.latencyMs + 5, detail: `${svc.p99.toFixed(2)} ms${fl('p99')}` })
      break
    }
    case 'slow':
      noErrors()
      vsFloor('throughput >= 0.97x floor', 'rps', '>=', 0.97)
      break
    case 'cached':
      vsFloor('throughput >= 0.8x a constant Fastify route', 'rps', '>=', 0.8)
      noErrors()
      break
    case 'shared': {
      const r = ratio?.cpuUsPerReq
      out.push({ target: 'cost per request of the shared limit (reported)', pass: null, detail: floor ? `${(svc.cpuUsPerReq - floor.cpuUsPerReq).toFixed(0)} us of service CPU (${r?.toFixed(3)}x), plus ${svc.redisCpuUsPerReq?.toFixed(0) ?? '?'} us of redis-server CPU` : 'no reference in this run' })
      noErrors()
      break
    }
    case 'mixed': {
      // Every new text costs three calls; a repeat costs none once its first answer is cached.
      const bound = 3 * (1 - (s.bodies.kind === 'mixed' ? s.bodies.repeat : 0)) + 0.05
      out.push({ target: `upstream calls per request <= ${bound.toFixed(2)}`, pass: svc.upstreamCallsPerReq <= bound, detail: `${svc.upstreamCallsPerReq.toFixed(3)}${floor ? ` (floor ${floor.upstreamCallsPerReq.toFixed(3)})` : ''}` })
      noErrors()
      break
    }
  }
  return out
}
