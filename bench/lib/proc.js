// @ts-check
// Child processes for the benchmark: start (optionally pinned), wait until ready, stop, and read the kernel's accounting.
import { spawn, execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync, openSync, closeSync } from 'node:fs'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set()

/**
 * The Node flags `npm start` runs the service with (package.json's start script), so that the bench
 * measures the service as users run it, and an A/B of two builds gives both the same flags.
 * @returns {string[]}
 */
export function serviceNodeFlags () {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  const run = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/server\.js\b/.exec(pkg.scripts?.start ?? '')
  if (!run) throw new Error('package.json: scripts.start does not run `node [--flag…] dist/server.js`')
  return run[1].split(/\s+/).filter(Boolean)
}

export const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** @returns {Promise<number>} a port that was free a moment ago on 127.0.0.1 */
export function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/**
 * @param {object} o
 * @param {string} o.name
 * @param {string[]} o.argv command and arguments
 * @param {Record<string, string>} o.env added to this process's environment
 * @param {string | undefined} o.cpus taskset CPU list, or undefined for no pinning
 * @param {string} o.logPath where stdout and stderr go
 */
export function start ({ name, argv, env, cpus, logPath }) {
  const cmd = cpus === undefined ? argv : ['taskset', '-c', cpus, ...argv]
  const fd = openSync(logPath, 'a')
  // taskset execs the command, so the pid is the target's own and /proc/<pid> is its accounting.
  const child = spawn(/** @type {string} */ (cmd[0]), cmd.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  live.add(child)
  child.on('exit', () => live.delete(child))
  return { name, child, pid: /** @type {number} */ (child.pid), logPath }
}

/** @param {string} url @param {number} timeoutMs @param {import('node:child_process').ChildProcess} child */
export async function waitReady (url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before ${url} answered`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`)
}

/** SIGTERM, then SIGKILL after graceMs. @param {import('node:child_process').ChildProcess} child @param {number} [graceMs] */
export async function stop (child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

export function killAll () {
  for (const child of live) child.kill('SIGKILL')
}

/** User + system CPU seconds of a live process. @param {number} pid */
export function cpuSeconds (pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / clockTicks
}

/** VmRSS and VmHWM in MiB. @param {number} pid */
export function memory (pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (/** @type {string} */ key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 }
}

/** Resets VmHWM to the current RSS (Linux clear_refs "5"); false where the kernel or permissions refuse. @param {number} pid */
export function resetPeakRss (pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

/** Which CPUs to give the target and which to everything else, or undefined to not pin. @param {string} mode */
export function pinPlan (mode) {
  if (mode === '0' || mode === 'off') return undefined
  let hasTaskset = true
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
  } catch {
    hasTaskset = false
  }
  /** @type {number[]} */
  let cpus = []
  try {
    cpus = parseCpuList(execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' }).split(':').pop()?.trim() ?? '')
  } catch {}
  if (!hasTaskset || cpus.length < 2) {
    if (mode === '1' || mode === 'on') throw new Error('BENCH_PIN=1 needs taskset and at least 2 CPUs')
    return undefined
  }
  const target = /** @type {number} */ (cpus[cpus.length - 1])
  return { target: String(target), others: cpus.slice(0, -1).join(',') }
}

/** @param {string} list e.g. "0-1,4" */
function parseCpuList (list) {
  /** @type {number[]} */
  const out = []
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number)
    if (a === undefined || Number.isNaN(a)) continue
    for (let i = a; i <= (b ?? a); i++) out.push(i)
  }
  return out
}
