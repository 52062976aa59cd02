// @ts-check
// Benchmark driver: fake upstream, the built service and the floor, each in its own process, loaded in interleaved rounds; see bench/README.md.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import os from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { body } from './lib/payload.js'
import { num } from './lib/knobs.js'
import { pickLoadgen, runLoad } from './lib/loadgen.js'
import { cpuSeconds, freePort, killAll, memory, pinPlan, resetPeakRss, serviceNodeFlags, start, stop, waitReady } from './lib/proc.js'
import { checkTargets, defaultScenarios, scenario } from './lib/scenarios.js'
import { printAll, printScenario, printSoak, summarise } from './lib/report.js'

const benchDir = dirname(fileURLToPath(import.meta.url))
const root = resolve(benchDir, '..')

/** @param {string} name @param {string} fallback */
/** BENCH_SERVICE_ENV: NAME=value pairs, comma-separated, given to the service (and `local`) on top of the scenario's. */
const serviceEnv = Object.fromEntries((process.env.BENCH_SERVICE_ENV ?? '').split(',').map((pair) => pair.trim()).filter(Boolean).map((pair) => {
  const at = pair.indexOf('=')
  if (at < 1) throw new Error(`BENCH_SERVICE_ENV: "${pair}" is not NAME=value`)
  return [pair.slice(0, at), pair.slice(at + 1)]
}))
const list = (name, fallback) => (process.env[name] || fallback).split(',').map((s) => s.trim()).filter(Boolean)

const config = {
  scenarios: list('BENCH_SCENARIOS', defaultScenarios.join(',')).filter((n) => n !== 'none').map(scenario),
  targets: list('BENCH_TARGETS', 'service,floor,constant,local'),
  rounds: Math.max(1, Math.round(num('BENCH_ROUNDS', 5))),
  durationS: num('BENCH_DURATION_S', 5),
  warmupS: num('BENCH_WARMUP_S', 3),
  pauseS: num('BENCH_PAUSE_S', 0.5),
  soakS: num('BENCH_SOAK_S', 0),
  soakScenario: scenario(process.env.BENCH_SOAK_SCENARIO || 'cpu'),
  readyTimeoutS: num('BENCH_READY_TIMEOUT_S', 20),
  loadgen: pickLoadgen(process.env.BENCH_LOADGEN || 'auto'),
  pin: pinPlan(process.env.BENCH_PIN || 'auto'),
  profile: process.env.BENCH_PROFILE === '1',
  fresh: process.env.BENCH_FRESH === '1',
  reference: /** @type {'floor' | 'fastify' | 'constant' | 'local' | undefined} */ (process.env.BENCH_REFERENCE || undefined),
  serviceEntry: resolve(root, process.env.BENCH_SERVICE_ENTRY || 'dist/server.js'),
  floorEntry: resolve(root, process.env.BENCH_FLOOR_ENTRY || 'bench/floor.js'),
  out: process.env.BENCH_OUT ? resolve(process.env.BENCH_OUT) : join(benchDir, 'results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  keepLogs: process.env.BENCH_KEEP_LOGS === '1',
  serviceNodeFlags: serviceNodeFlags()
}
if (config.reference !== undefined && !['floor', 'fastify', 'constant', 'local'].includes(config.reference)) throw new Error(`BENCH_REFERENCE: unknown target ${config.reference}; use floor, fastify, constant or local`)
for (const t of config.targets) if (!['service', 'floor', 'fastify', 'constant', 'local'].includes(t)) throw new Error(`BENCH_TARGETS: unknown target ${t}; use service, floor, fastify, constant and/or local`)

/** @type {{ target: string, reason: string }[]} */
const skipped = []
if (config.targets.includes('service') && !existsSync(config.serviceEntry)) {
  const reason = `${config.serviceEntry} not found (run npm run build)`
  console.log(`skipping the service target: ${reason}`)
  skipped.push({ target: 'service', reason })
  config.targets = config.targets.filter((t) => t !== 'service')
}
if (config.targets.length === 0) throw new Error('no target left to benchmark')

const workDir = mkdtempSync(join(os.tmpdir(), 'bench-'))
const profileDir = join(dirname(config.out), 'profiles')

// Every run is bounded: a watchdog well past the planned time kills everything.
const perScenarioS = config.targets.length * (config.readyTimeoutS + 2 * config.warmupS + config.rounds * (config.durationS + config.pauseS + 2)) + 30
const budgetS = config.scenarios.length * perScenarioS + (config.soakS > 0 ? config.soakS + 90 : 0) + 60
const watchdog = setTimeout(() => {
  console.error(`benchmark exceeded its ${Math.round(budgetS)} s budget; killing children`)
  killAll()
  process.exit(2)
}, budgetS * 1000)
watchdog.unref()
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(sig, () => {
    killAll()
    process.exit(130)
  })
}

function machine () {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  /** @param {string[]} argv */
  const sh = (argv) => {
    try {
      return execFileSync(/** @type {string} */ (argv[0]), argv.slice(1), { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return null
    }
  }
  const status = sh(['git', 'status', '--porcelain'])
  return {
    machine: {
      nproc: Number(sh(['nproc']) ?? os.cpus().length),
      cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      kernel: os.release(),
      memTotalMiB: Math.round(os.totalmem() / 2 ** 20),
      loadavgAtStart: os.loadavg()
    },
    commit: { sha: sh(['git', 'rev-parse', 'HEAD']), dirty: status === null ? null : status.length > 0 },
    tools: { loadgen: config.loadgen, loadgenVersion: config.loadgen === 'wrk' ? (sh(['sh', '-c', 'wrk -v 2>&1 | head -1']) ?? '') : 'autocannon (devDependency)' }
  }
}

/** @param {number} port @param {string} path @param {string} [method] */
async function upstreamJson (port, path, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, signal: AbortSignal.timeout(5000) })
  return /** @type {Record<string, number>} */ (await res.json())
}

/** @typedef {'service' | 'floor' | 'fastify' | 'constant' | 'local'} Target */

/**
 * @param {Target} target
 * @param {import('./lib/scenarios.js').Scenario} s
 * @param {number} upstreamPort
 * @param {Record<string, string>} [extraEnv]
 */
async function startTarget (target, s, upstreamPort, extraEnv = {}) {
  const port = await freePort()
  const flags = config.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${target}-${s.name}-${Date.now()}.cpuprofile`] : []
  // `local` is the service itself, without the scenario's Redis: the reference of the shared-limit scenario.
  const entry = target === 'service' || target === 'local'
    ? config.serviceEntry
    : target === 'floor' ? config.floorEntry : join(benchDir, target === 'fastify' ? 'fastify-floor.js' : 'constant.js')
  // A service build (the floor too when BENCH_FLOOR_ENTRY points at one) runs with npm start's flags, and
  // so does the Fastify floor, whose point is to differ from the service only in what the service adds.
  const nodeFlags = basename(entry) === 'server.js' || target === 'fastify' ? config.serviceNodeFlags : []
  const proc = start({
    name: target,
    argv: [process.execPath, ...nodeFlags, ...flags, entry],
    cpus: config.pin?.target,
    logPath: join(workDir, `${target}-${s.name}.out`),
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      TEXT_API_URL: `http://127.0.0.1:${upstreamPort}/text`,
      TEXT_API_KEY: 'bench',
      UPSTREAM_CONCURRENCY: String(s.concurrency),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
      LOG_FILE: join(workDir, `${target}-${s.name}.log`),
      ...(target === 'service' || target === 'local' ? { ...s.env, ...serviceEnv } : {}),
      ...extraEnv
    }
  })
  try {
    await waitReady(`http://127.0.0.1:${port}/healthz`, config.readyTimeoutS * 1000, proc.child)
  } catch (err) {
    await stop(proc.child)
    const tail = existsSync(proc.logPath) ? readFileSync(proc.logPath, 'utf8').slice(-2000) : ''
    throw new Error(`${target} did not start: ${/** @type {Error} */ (err).message}\n${tail}`)
  }
  return { ...proc, port }
}

/** @param {import('./lib/scenarios.js').Scenario} s */
async function startUpstream (s) {
  const port = await freePort()
  const proc = start({
    name: 'upstream',
    argv: [process.execPath, join(benchDir, 'upstream.js')],
    cpus: config.pin?.others,
    logPath: join(workDir, `upstream-${s.name}.out`),
    env: { PORT: String(port), UPSTREAM_LATENCY_MS: String(s.latencyMs) }
  })
  await waitReady(`http://127.0.0.1:${port}/__stats`, config.readyTimeoutS * 1000, proc.child)
  return { ...proc, port }
}

/**
 * One measured round against one target.
 * @param {{ pid: number, port: number }} target
 * @param {{ pid: number, port: number }} upstream
 * @param {import('./lib/scenarios.js').Scenario} s
 * @param {number | undefined} redisPid the scenario's redis-server, if it has one
 */
async function round (target, upstream, s, redisPid) {
  await upstreamJson(upstream.port, '/__reset', 'POST')
  const peakReset = resetPeakRss(target.pid)
  const cpu0 = cpuSeconds(target.pid)
  const up0 = cpuSeconds(upstream.pid)
  const redis0 = redisPid === undefined ? 0 : cpuSeconds(redisPid)
  const t0 = performance.now()
  const load = await runLoad({ tool: config.loadgen, port: target.port, connections: s.connections, durationS: config.durationS, bodies: s.bodies, workDir, cpus: config.pin?.others })
  const wallS = (performance.now() - t0) / 1000
  const cpuS = cpuSeconds(target.pid) - cpu0
  const upCpuS = cpuSeconds(upstream.pid) - up0
  const redisCpuS = redisPid === undefined ? undefined : cpuSeconds(redisPid) - redis0
  const mem = memory(target.pid)
  const stats = await upstreamJson(upstream.port, '/__stats')
  return {
    ...load,
    pid: target.pid,
    cpuUsPerReq: load.requests > 0 ? (cpuS * 1e6) / load.requests : null,
    cpuUtil: cpuS / wallS,
    peakRssMiB: mem.hwmMiB,
    peakRssResetPerRound: peakReset,
    rssMiB: mem.rssMiB,
    upstreamMaxInFlight: stats.maxInFlight ?? 0,
    upstreamCalls: stats.calls ?? 0,
    upstreamUnauthorized: stats.unauthorized ?? 0,
    upstreamCpuUtil: upCpuS / wallS,
    ...(redisCpuS === undefined || load.requests === 0 ? {} : { redisCpuUsPerReq: (redisCpuS * 1e6) / load.requests })
  }
}

/** Stops a target; a profiled one gets longer to write its profile. @param {{ child: import('node:child_process').ChildProcess } | undefined} p */
async function stopTarget (p) {
  if (p !== undefined) await stop(p.child, config.profile ? 20_000 : 5000)
}

/** @param {import('./lib/scenarios.js').Scenario} scenarioDef */
async function runScenario (scenarioDef) {
  // BENCH_REFERENCE: every scenario against one target, e.g. `floor` pointed at another build (an A/B).
  const s = config.reference === undefined ? scenarioDef : { ...scenarioDef, reference: config.reference }
  console.log(`\n== ${s.name}: ${s.what} (UPSTREAM_CONCURRENCY=${s.concurrency}, ${s.connections} connections, upstream ${s.latencyMs} ms)`)
  const upstream = await startUpstream(s)
  const redis = s.redis ? await startRedis(s) : undefined
  // The service, and what it is measured against in this scenario.
  const targets = /** @type {Target[]} */ (config.targets.filter((t) => t === 'service' || t === s.reference))
  /** @type {Awaited<ReturnType<typeof startTarget>>[]} */
  const procs = []
  /** Starts target `t` and warms it up. @param {Target} t */
  const launch = async (t) => {
    /** @type {Record<string, string>} */
    const extra = {}
    if (t === 'constant') extra.CONSTANT_BODY_FILE = await constantDocument(s, upstream.port)
    if (t === 'service' && redis !== undefined) extra.REDIS_URL = `redis://127.0.0.1:${redis.port}`
    const p = await startTarget(t, s, upstream.port, extra)
    procs.push(p)
    if (config.warmupS > 0) await runLoad({ tool: config.loadgen, port: p.port, connections: s.connections, durationS: config.warmupS * s.warmupFactor, bodies: s.bodies, workDir, cpus: config.pin?.others })
    return p
  }
  try {
    // BENCH_FRESH: new processes every round, so that a state one process happens to settle in (an A/A
    // run read 0.74x between two processes of one build) is sampled each round instead of kept for all.
    if (!config.fresh) for (const t of targets) await launch(t)
    /** @type {Record<string, Awaited<ReturnType<typeof round>>[]>} */
    const rounds = Object.fromEntries(targets.map((t) => [t, []]))
    for (let r = 0; r < config.rounds; r++) {
      // A B B A A B …: drift on the machine lands on both targets alike, and neither always goes first.
      const order = r % 2 === 0 ? targets : [...targets].reverse()
      for (const t of order) {
        const p = config.fresh ? await launch(t) : /** @type {typeof procs[number]} */ (procs.find((k) => k.name === t))
        await sleep(config.pauseS * 1000)
        const result = await round(p, upstream, s, p.name === 'service' ? redis?.pid : undefined)
        rounds[p.name]?.push(result)
        console.log(`   round ${r + 1}/${config.rounds} ${p.name.padEnd(7)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.latencyMs.p99.toFixed(1)} ms  cpu ${(result.cpuUtil * 100).toFixed(0)}%  upstream cpu ${(result.upstreamCpuUtil * 100).toFixed(0)}%`)
        if (config.fresh) await stopTarget(procs.splice(procs.indexOf(p), 1)[0])
      }
    }
    const result = summarise(s, rounds)
    result.targets = checkTargets(s, result.summary.service, result.summary[s.reference], result.ratios)
    printScenario(result)
    return result
  } finally {
    for (const p of procs) await stopTarget(p)
    await stop(upstream.child)
    if (redis !== undefined) await stop(redis.child)
    if (!config.keepLogs) for (const t of targets) rmSync(join(workDir, `${t}-${s.name}.log`), { force: true })
  }
}

/**
 * A redis-server for the scenario (Debian's, apt-get install -y redis-server), pinned with the upstream.
 * @param {import('./lib/scenarios.js').Scenario} s
 */
async function startRedis (s) {
  const port = await freePort()
  const proc = start({
    name: 'redis',
    argv: ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    cpus: config.pin?.others,
    logPath: join(workDir, `redis-${s.name}.out`),
    env: {}
  })
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' })
      break
    } catch {
      if (Date.now() > deadline) throw new Error('redis-server did not start (is it installed? apt-get install -y redis-server)')
      await sleep(50)
    }
  }
  return { ...proc, port }
}

/**
 * The constant route answers what the service answers for the benchmark text: one request to a service
 * started for the purpose gives the document, which is written to a file.
 * @param {import('./lib/scenarios.js').Scenario} s
 * @param {number} upstreamPort
 */
async function constantDocument (s, upstreamPort) {
  const proc = await startTarget('service', s, upstreamPort)
  try {
    const res = await fetch(`http://127.0.0.1:${proc.port}/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) })
    const path = join(workDir, 'constant.json')
    writeFileSync(path, await res.text())
    return path
  } finally {
    await stop(proc.child)
  }
}

/** Long run: the service's RSS each second under steady load, to show it stops growing after warm-up. */
async function soak () {
  const s = config.soakScenario
  const target = config.targets.includes('service') ? 'service' : 'floor'
  console.log(`\n== soak: ${target}, ${config.soakS} s of the ${s.name} scenario, RSS sampled each second`)
  const upstream = await startUpstream(s)
  const proc = await startTarget(target, s, upstream.port)
  try {
    /** @type {{ t: number, rssMiB: number }[]} */
    const samples = []
    const t0 = performance.now()
    const load = runLoad({ tool: config.loadgen, port: proc.port, connections: s.connections, durationS: config.soakS, bodies: s.bodies, workDir, cpus: config.pin?.others })
    const state = { running: true }
    load.finally(() => { state.running = false }).catch(() => {})
    while (state.running) {
      samples.push({ t: (performance.now() - t0) / 1000, rssMiB: memory(proc.pid).rssMiB })
      await Promise.race([sleep(1000), load.catch(() => {})])
    }
    const result = await load
    const warmS = num('BENCH_SOAK_WARMUP_S', Math.min(10, config.soakS / 3))
    const after = samples.filter((x) => x.t >= warmS)
    const first = after[0]?.rssMiB ?? NaN
    const last = after[after.length - 1]?.rssMiB ?? NaN
    // Least-squares slope over the post-warm-up samples, MiB per minute.
    const n = after.length
    const mt = after.reduce((a, x) => a + x.t, 0) / n
    const mr = after.reduce((a, x) => a + x.rssMiB, 0) / n
    const slope = after.reduce((a, x) => a + (x.t - mt) * (x.rssMiB - mr), 0) / after.reduce((a, x) => a + (x.t - mt) ** 2, 0)
    const out = { target, scenario: s.name, durationS: config.soakS, warmupS: warmS, rps: result.rps, errors: result.errors, non2xx: result.non2xx, rssAfterWarmupMiB: first, rssEndMiB: last, rssMaxMiB: Math.max(...after.map((x) => x.rssMiB)), growthMiB: last - first, slopeMiBPerMin: slope * 60, samples }
    printSoak(out)
    return out
  } finally {
    await stopTarget(proc)
    await stop(upstream.child)
  }
}

const startedAt = new Date().toISOString()
const meta = machine()
console.log(`bench: ${meta.machine.cpuModel}, nproc ${meta.machine.nproc}, node ${meta.machine.node}, commit ${meta.commit.sha?.slice(0, 12) ?? '?'}${meta.commit.dirty ? ' (dirty)' : ''}`)
console.log(`       ${config.loadgen}, ${config.rounds} rounds x ${config.durationS} s, warm-up ${config.warmupS} s, targets ${config.targets.join(' ')}, ` +
  (config.pin ? `pinned: targets on CPU ${config.pin.target}, upstream + load generator on CPU ${config.pin.others}` : 'not pinned'))
if (config.profile) mkdirSync(profileDir, { recursive: true })
let exitCode = 0
/** @type {unknown[]} */
const scenarios = []
/** @type {unknown} */
let soakResult = null
try {
  for (const s of config.scenarios) scenarios.push(await runScenario(s))
  if (config.soakS > 0) soakResult = await soak()
} catch (err) {
  console.error(err)
  exitCode = 1
} finally {
  killAll()
  if (!config.keepLogs) rmSync(workDir, { recursive: true, force: true })
  else console.log(`logs kept in ${workDir}`)
}
const report = {
  schema: 1,
  startedAt,
  finishedAt: new Date().toISOString(),
  ...meta,
  config: {
    rounds: config.rounds,
    durationS: config.durationS,
    warmupS: config.warmupS,
    pauseS: config.pauseS,
    targets: config.targets,
    skipped,
    pin: config.pin ?? null,
    loadgen: config.loadgen,
    profile: config.profile,
    serviceNodeFlags: config.serviceNodeFlags,
    payloadBytes: Buffer.byteLength(body)
  },
  scenarios,
  soak: soakResult,
  complete: exitCode === 0
}
if (scenarios.length > 1) printAll(/** @type {ReturnType<typeof summarise>[]} */ (scenarios))
mkdirSync(dirname(config.out), { recursive: true })
writeFileSync(config.out, JSON.stringify(report, null, 2) + '\n')
if (!process.env.BENCH_OUT) copyFileSync(config.out, join(dirname(config.out), 'latest.json'))
console.log(`\nwrote ${config.out}`)
clearTimeout(watchdog)
// Targets are reported, never enforced: only a broken run exits non-zero.
process.exit(exitCode)
