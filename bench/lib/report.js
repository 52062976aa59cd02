// @ts-check
// Medians over rounds, service/floor ratios and the printed tables.

/** @param {number[]} xs */
export function median (xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const mid = v.length >> 1
  return v.length % 2 ? /** @type {number} */ (v[mid]) : (/** @type {number} */ (v[mid - 1]) + /** @type {number} */ (v[mid])) / 2
}

/**
 * @typedef {{ rps: number, requests: number, latencyMs: { p50: number, p90: number, p99: number, max: number }, errors: number, non2xx: number,
 *   cpuUsPerReq: number | null, cpuUtil: number, peakRssMiB: number, upstreamMaxInFlight: number, upstreamCalls: number, upstreamCpuUtil: number,
 *   redisCpuUsPerReq?: number }} Round
 */

/** @param {Round[]} rs @returns {import('./scenarios.js').Summary & { rounds: number, requests: number, rpsMin: number, rpsMax: number, cpuUtil: number, upstreamCpuUtil: number }} */
function summariseTarget (rs) {
  const rps = rs.map((r) => r.rps)
  return {
    rounds: rs.length,
    requests: rs.reduce((a, r) => a + r.requests, 0),
    rps: median(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50: median(rs.map((r) => r.latencyMs.p50)),
    p90: median(rs.map((r) => r.latencyMs.p90)),
    p99: median(rs.map((r) => r.latencyMs.p99)),
    cpuUsPerReq: median(rs.map((r) => r.cpuUsPerReq ?? NaN)),
    cpuUtil: median(rs.map((r) => r.cpuUtil)),
    peakRssMiB: median(rs.map((r) => r.peakRssMiB)),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    upstreamMaxInFlight: Math.max(...rs.map((r) => r.upstreamMaxInFlight)),
    upstreamCallsPerReq: median(rs.map((r) => r.requests > 0 ? r.upstreamCalls / r.requests : NaN)),
    redisCpuUsPerReq: median(rs.map((r) => r.redisCpuUsPerReq ?? NaN)),
    upstreamCpuUtil: median(rs.map((r) => r.upstreamCpuUtil))
  }
}

const ratioKeys = /** @type {const} */ (['rps', 'p50', 'p90', 'p99', 'cpuUsPerReq', 'peakRssMiB'])

/**
 * @param {import('./scenarios.js').Scenario} s
 * @param {Record<string, Round[]>} rounds
 */
export function summarise (s, rounds) {
  /** @type {Record<string, ReturnType<typeof summariseTarget>>} */
  const summary = {}
  for (const [t, rs] of Object.entries(rounds)) summary[t] = summariseTarget(rs)
  /** @type {Record<string, number> | undefined} */
  let ratios
  const svc = rounds.service
  const floor = rounds[s.reference]
  if (svc && floor && svc.length > 0 && floor.length === svc.length) {
    ratios = {}
    // Median of per-round ratios: round i of the service against round i of the floor, run back to back.
    /** @type {Record<string, (r: Round) => number>} */
    const pick = {
      rps: (r) => r.rps,
      p50: (r) => r.latencyMs.p50,
      p90: (r) => r.latencyMs.p90,
      p99: (r) => r.latencyMs.p99,
      cpuUsPerReq: (r) => r.cpuUsPerReq ?? NaN,
      peakRssMiB: (r) => r.peakRssMiB
    }
    for (const k of ratioKeys) {
      const f = /** @type {(r: Round) => number} */ (pick[k])
      ratios[k] = median(svc.map((r, i) => f(r) / f(/** @type {Round} */ (floor[i]))))
    }
  }
  return {
    name: s.name,
    what: s.what,
    concurrency: s.concurrency,
    connections: s.connections,
    latencyMs: s.latencyMs,
    reference: s.reference,
    rounds,
    summary,
    ratios,
    /** @type {{ target: string, pass: boolean | null, detail: string }[]} */
    targets: []
  }
}

/** @param {number} x @param {number} [digits] */
const f = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-')

const header = ['target', 'req/s', 'spread', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'non2xx', 'up max', 'calls/req', 'RSS MiB', 'CPU us/req', 'CPU %']

/** @param {string[][]} rows */
function table (rows) {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')).join('\n')
}

/** @param {ReturnType<typeof summarise>} result */
function scenarioRows (result) {
  /** @type {string[][]} */
  const rows = []
  for (const [t, m] of Object.entries(result.summary)) {
    rows.push([t, f(m.rps, 0), `±${f(((m.rpsMax - m.rpsMin) / 2 / m.rps) * 100, 0)}%`, f(m.p50, 2), f(m.p90, 2), f(m.p99, 2), String(m.errors), String(m.non2xx),
      String(m.upstreamMaxInFlight), f(m.upstreamCallsPerReq, 2), f(m.peakRssMiB), f(m.cpuUsPerReq, 0), f(m.cpuUtil * 100, 0)])
  }
  const r = result.ratios
  if (r) rows.push([`service/${result.reference}`, `${f(r.rps ?? NaN, 3)}x`, '', `${f(r.p50 ?? NaN, 3)}x`, `${f(r.p90 ?? NaN, 3)}x`, `${f(r.p99 ?? NaN, 3)}x`, '', '', '', '', `${f(r.peakRssMiB ?? NaN, 3)}x`, `${f(r.cpuUsPerReq ?? NaN, 3)}x`, ''])
  return rows
}

/** @param {ReturnType<typeof summarise>} result */
export function printScenario (result) {
  console.log(table([header, ...scenarioRows(result)]))
  for (const t of result.targets) console.log(`   ${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}`)
}

/** @param {ReturnType<typeof summarise>[]} results */
export function printAll (results) {
  /** @type {string[][]} */
  const rows = [['scenario', ...header]]
  for (const r of results) for (const row of scenarioRows(r)) rows.push([r.name, ...row])
  console.log('\n' + table(rows))
  const checks = results.flatMap((r) => r.targets.map((t) => ({ ...t, scenario: r.name })))
  if (checks.length > 0) {
    console.log('\ntargets (reported, not enforced):')
    for (const t of checks) console.log(`   ${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.scenario}: ${t.target}: ${t.detail}`)
  }
}

/** @param {{ target: string, durationS: number, warmupS: number, rps: number, errors: number, rssAfterWarmupMiB: number, rssEndMiB: number, rssMaxMiB: number, growthMiB: number, slopeMiBPerMin: number }} s */
export function printSoak (s) {
  console.log(`   ${s.target}: ${f(s.rps, 0)} req/s, ${s.errors} errors; RSS after ${f(s.warmupS, 0)} s warm-up ${f(s.rssAfterWarmupMiB)} MiB, end ${f(s.rssEndMiB)} MiB, ` +
    `max ${f(s.rssMaxMiB)} MiB, growth ${f(s.growthMiB)} MiB, slope ${f(s.slopeMiBPerMin, 2)} MiB/min`)
}
