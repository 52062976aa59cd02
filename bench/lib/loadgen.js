// @ts-check
// The load generator: wrk where installed, else autocannon; one closed-loop run against 127.0.0.1, normalised to one result shape.
import { execFile, execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { body as sameBody, uniquePrefix, uniqueSuffix } from './payload.js'

/**
 * @typedef {object} LoadResult
 * @property {number} requests responses received, any status
 * @property {number} durationS
 * @property {number} rps
 * @property {{ p50: number, p90: number, p99: number, max: number }} latencyMs
 * @property {number} errors socket errors and timeouts
 * @property {number} non2xx
 */

/** @param {string} choice auto | wrk | autocannon */
export function pickLoadgen (choice) {
  if (choice === 'autocannon') return 'autocannon'
  let hasWrk = true
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' })
  } catch (err) {
    // wrk -v exits 1 after printing its version; only a missing binary matters.
    hasWrk = /** @type {NodeJS.ErrnoException} */ (err).code !== 'ENOENT'
  }
  if (choice === 'wrk' && !hasWrk) throw new Error('BENCH_LOADGEN=wrk but wrk is not installed (apt-get install -y wrk)')
  return hasWrk ? 'wrk' : 'autocannon'
}

/**
 * What each request sends: `same` (one text: the cached scenario), `unique` (a new text per request), or
 * `mixed` (a new text, except that `repeat` of the requests resend one sent earlier, picked at random).
 * @typedef {{ kind: 'same' } | { kind: 'unique' } | { kind: 'mixed', repeat: number }} Bodies
 */

let runs = 0

/** @param {string} dir @param {Bodies} bodies */
function wrkScript (dir, bodies) {
  const path = join(dir, `post-${bodies.kind}.lua`)
  // Lua long brackets need no escaping as long as the body holds no "]==]". Each wrk thread numbers its
  // texts apart (thread id * 10^9 + n), so threads never send the same "unique" text, and each run of
  // wrk has its own mark in the text: without it every round sent "Request 1", "Request 2"… again and
  // the service answered the second round from its cache.
  const run = `${process.pid}.${++runs}.${Date.now()}`
  const request = bodies.kind === 'same'
    ? `wrk.body = [==[${sameBody}]==]`
    : `local prefix = [==[${uniquePrefix}]==]
local suffix = [==[${uniqueSuffix}]==]
local run = "${run}"
local sent = 0
local base = 0
setup = function(thread) thread:set("tid", tostring(#threads)) table.insert(threads, thread) end
threads = {}
init = function(args) base = (tonumber(tid) or 0) * 1000000000 math.randomseed(os.time() + base) end
request = function()
  local n
  if ${bodies.kind === 'mixed' ? `sent > 0 and math.random() < ${bodies.repeat}` : 'false'} then
    n = base + math.random(1, sent)
  else
    sent = sent + 1
    n = base + sent
  end
  return wrk.format(nil, nil, nil, prefix .. run .. "-" .. n .. suffix)
end`
  writeFileSync(path, `wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
${request}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`)
  return path
}

/**
 * @param {object} o
 * @param {string} o.tool
 * @param {number} o.port
 * @param {number} o.connections
 * @param {number} o.durationS
 * @param {Bodies} o.bodies
 * @param {string} o.workDir
 * @param {string | undefined} o.cpus
 * @returns {Promise<LoadResult>}
 */
export async function runLoad ({ tool, port, connections, durationS, bodies, workDir, cpus }) {
  const url = `http://127.0.0.1:${port}/analyze`
  const timeoutS = 10
  /** @type {string[]} */
  let argv
  if (tool === 'wrk') {
    const threads = Math.max(1, Math.min(connections, Number(process.env.BENCH_WRK_THREADS ?? 1)))
    argv = ['wrk', '-t', String(threads), '-c', String(connections), '-d', `${Math.max(1, Math.round(durationS))}s`,
      '--timeout', `${timeoutS}s`, '-s', wrkScript(workDir, bodies), url]
  } else {
    if (bodies.kind === 'mixed') throw new Error('the mixed scenario needs wrk (apt-get install -y wrk): autocannon cannot resend earlier bodies')
    const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js')
    // autocannon's id replacement puts a fresh id in each request's body.
    const unique = bodies.kind === 'unique'
    argv = [process.execPath, bin, '-c', String(connections), '-d', String(durationS), '-t', String(timeoutS), '-m', 'POST',
      '-H', 'content-type=application/json', '-b', unique ? `${uniquePrefix}[<id>]${uniqueSuffix}` : sameBody,
      ...(unique ? ['--idReplacement'] : []), '--json', '--renderProgressBar', 'false', url]
  }
  if (cpus !== undefined) argv = ['taskset', '-c', cpus, ...argv]
  // wrk takes whole seconds only.
  // Hard bound on every run: the tool's own duration plus its request timeout plus slack.
  const killAfterMs = (durationS + timeoutS + 15) * 1000
  const stdout = await new Promise((resolve, reject) => {
    execFile(/** @type {string} */ (argv[0]), argv.slice(1), { timeout: killAfterMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, out, errOut) => {
      if (err) reject(new Error(`${tool} failed: ${err.message}\n${errOut}`))
      else resolve(out)
    })
  })
  return tool === 'wrk' ? parseWrk(stdout) : parseAutocannon(stdout)
}

/** @param {string} stdout @returns {LoadResult} */
function parseWrk (stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '))
  if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`)
  const r = JSON.parse(line.slice('BENCH_JSON '.length))
  const durationS = r.durationUs / 1e6
  return {
    requests: r.requests,
    durationS,
    rps: r.requests / durationS,
    latencyMs: { p50: r.p50 / 1000, p90: r.p90 / 1000, p99: r.p99 / 1000, max: r.max / 1000 },
    errors: r.connect + r.read + r.write + r.timeout,
    // wrk counts statuses above 399 only; the targets answer nothing in the 3xx range.
    non2xx: r.status
  }
}

/** @param {string} stdout @returns {LoadResult} */
function parseAutocannon (stdout) {
  const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
  const requests = r['2xx'] + r.non2xx
  return {
    requests,
    durationS: r.duration,
    rps: requests / r.duration,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    // autocannon already counts timeouts among its errors.
    errors: r.errors,
    non2xx: r.non2xx
  }
}
