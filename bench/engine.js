// @ts-check
// The embedded text engine's own benchmark: throughput, small-text latency under load, cancellation, worst-case texts.
/*
 * Runs the built engine (dist/engine/main.js) as its own process on loopback and drives it over
 * HTTP the way the service does: a text's three endpoints at once on three keep-alive connections.
 * `npm run bench:engine` builds first. Sections, in order (BENCH_ENGINE_SECTIONS picks some):
 *   throughput  chars/s on ordinary prose: one text at a time, then ten texts in flight
 *   latency     a small text's latency (max of its three calls) idle, then while ten large texts
 *               are analysed: p50, p99, max
 *   cancel      ten large texts aborted once both large slots are busy: ms from the abort to no
 *               thread busy, threads terminated by the backstop, a small text's latency right after
 *   flood       the overload: many large texts at once, each as three calls with
 *               request-timeout-ms; how many are answered 200 (and how many of those late), how
 *               many refused 503 and how fast, the Retry-After they carry
 *   worst       each constructed worst case through the three endpoints, with its time or
 *               "timeout" (the abort then cancels it, and the next waits until the pool is idle)
 * Knobs (env):
 *   BENCH_ENGINE_WORKERS        WORKERS for the engine (default: its own, one per core)
 *   BENCH_ENGINE_SECTIONS       comma list, default throughput,latency,cancel,flood,worst
 *   BENCH_ENGINE_LARGE_CHARS    default 49000
 *   BENCH_ENGINE_SMALL_CHARS    default 500
 *   BENCH_ENGINE_SINGLE_N       texts analysed one at a time, default 5
 *   BENCH_ENGINE_SATURATED_N    texts analysed ten at a time, default 30
 *   BENCH_ENGINE_SMALL_N        small texts timed in each latency phase, default 40
 *   BENCH_ENGINE_CANCEL_ROUNDS  default 3
 *   BENCH_ENGINE_FLOOD_N        texts sent at once in the flood, default 200
 *   BENCH_ENGINE_FLOOD_DEADLINE_MS  their request-timeout-ms, default 10000 (the service's default)
 *   BENCH_ENGINE_WORST_TIMEOUT_S  per worst-case text, default 30
 *   BENCH_ENGINE_ENTRY          the engine's entry, default dist/engine/main.js
 *   BENCH_ENGINE_OUT            also write the results as JSON to this file
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { setMaxListeners } from 'node:events'
import { Agent, request } from 'undici'
import { num } from './lib/knobs.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const KEY = 'bench-key'
const KINDS = ['summarize', 'ner', 'most_common_phrases']

const config = {
  workers: process.env.BENCH_ENGINE_WORKERS || undefined,
  sections: (process.env.BENCH_ENGINE_SECTIONS || 'throughput,latency,cancel,flood,worst').split(',').map((s) => s.trim()).filter(Boolean),
  largeChars: num('BENCH_ENGINE_LARGE_CHARS', 49_000),
  smallChars: num('BENCH_ENGINE_SMALL_CHARS', 500),
  singleN: num('BENCH_ENGINE_SINGLE_N', 5),
  saturatedN: num('BENCH_ENGINE_SATURATED_N', 30),
  smallN: num('BENCH_ENGINE_SMALL_N', 40),
  cancelRounds: num('BENCH_ENGINE_CANCEL_ROUNDS', 3),
  floodN: num('BENCH_ENGINE_FLOOD_N', 200),
  floodDeadlineMs: num('BENCH_ENGINE_FLOOD_DEADLINE_MS', 10_000),
  worstTimeoutMs: num('BENCH_ENGINE_WORST_TIMEOUT_S', 30) * 1000,
  entry: resolve(root, process.env.BENCH_ENGINE_ENTRY || 'dist/engine/main.js'),
  out: process.env.BENCH_ENGINE_OUT
}
for (const s of config.sections) {
  if (!['throughput', 'latency', 'cancel', 'flood', 'worst'].includes(s)) throw new Error(`BENCH_ENGINE_SECTIONS: unknown section ${s}`)
}
if (!existsSync(config.entry)) throw new Error(`${config.entry} not found: run npm run build (npm run bench:engine does)`)

const fixtures = /** @type {Record<string, string>} */ (JSON.parse(readFileSync(resolve(root, 'test/engine/fixtures/texts.json'), 'utf8')))

/** Ordinary prose of about `chars` characters; each variant shifts every year, so it is a different text. */
function prose (chars, variant = 0) {
  const paragraphs = Object.values(fixtures)
  let text = ''
  for (let i = 0; text.length < chars; i++) {
    text += (paragraphs[i % paragraphs.length] ?? '').replace(/\b1[0-9]{3}\b/gu, (y) => String(Number(y) + i + variant * 7)) + '\n\n'
  }
  return text.slice(0, text.lastIndexOf('.', chars) + 1)
}

/** @param {number[]} xs @param {number} q */
function quantile (xs, q) {
  const v = [...xs].sort((a, b) => a - b)
  return v.length === 0 ? NaN : /** @type {number} */ (v[Math.min(v.length - 1, Math.floor(q * v.length))])
}
const ms = (/** @type {number} */ x) => `${Math.round(x)} ms`

// --- the engine process -----------------------------------------------------------------------

async function startEngine () {
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', TEXT_API_KEY: KEY, LOG_LEVEL: 'info' }
  if (config.workers !== undefined) env.WORKERS = config.workers
  const spawnedAt = performance.now()
  const child = spawn(process.execPath, [config.entry], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  /** @type {Record<string, unknown>} */
  const listening = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the engine exited (${code}) before listening`)))
    createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on('line', (line) => {
      try {
        const entry = JSON.parse(line)
        if (entry.msg === 'text engine listening') resolve(entry)
        else if (entry.level >= 40) console.log(`  engine: ${entry.msg}`)
      } catch {}
    })
  })
  return { child, url: String(listening.url), startupMs: Number(listening.startupMs), threads: Number(listening.threads), spawnedAt }
}

const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 })

/**
 * One call; resolves with its status, ms and Retry-After, or status 'aborted'.
 * @param {string} url @param {string} kind @param {string} text @param {AbortSignal} [signal] @param {number} [deadlineMs]
 */
async function call (url, kind, text, signal, deadlineMs) {
  const started = performance.now()
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json', apikey: KEY }
  if (deadlineMs !== undefined) headers['request-timeout-ms'] = String(deadlineMs)
  try {
    const res = await request(`${url}/${kind}`, { dispatcher: agent, method: 'POST', signal, headers, body: JSON.stringify({ text }) })
    await res.body.dump()
    return { status: res.statusCode, ms: performance.now() - started, retryAfter: Number(res.headers['retry-after'] ?? NaN) }
  } catch (err) {
    if (signal?.aborted) return { status: 'aborted', ms: performance.now() - started }
    throw err
  }
}

/** A text's three calls at once, as the service sends them; ms until the last answer. @param {string} url @param {string} text @param {AbortSignal} [signal] */
async function analyse (url, text, signal) {
  // one listener per call on a signal shared by up to ten texts' calls
  if (signal !== undefined) setMaxListeners(64, signal)
  const started = performance.now()
  const calls = await Promise.all(KINDS.map((kind) => call(url, kind, text, signal)))
  const statuses = [...new Set(calls.map((c) => c.status))]
  return { status: statuses.length === 1 ? statuses[0] : statuses.join('/'), ms: performance.now() - started }
}

/** @param {string} url @returns {Promise<Record<string, any>>} */
async function stats (url) {
  const res = await request(`${url}/_stats`, { dispatcher: agent, headers: { apikey: KEY } })
  return /** @type {Record<string, any>} */ (await res.body.json())
}

/** @param {string} url @param {(s: Record<string, any>) => boolean} check @param {number} [everyMs] */
async function until (url, check, everyMs = 5) {
  for (;;) {
    const s = await stats(url)
    if (check(s)) return s
    await sleep(everyMs)
  }
}

// --- sections ---------------------------------------------------------------------------------

/** @param {string} url */
async function throughput (url) {
  const single = []
  let chars = 0
  const began = performance.now()
  for (let i = 0; i < config.singleN; i++) {
    const text = prose(config.largeChars, 1000 + i)
    const r = await analyse(url, text)
    if (r.status !== 200) throw new Error(`single: ${r.status}`)
    single.push(r.ms)
    chars += text.length
  }
  const singleCps = chars / ((performance.now() - began) / 1000)

  let next = 0
  let satChars = 0
  const satBegan = performance.now()
  const lane = async () => {
    while (next < config.saturatedN) {
      const text = prose(config.largeChars, 2000 + next++)
      const r = await analyse(url, text)
      if (r.status !== 200) throw new Error(`saturated: ${r.status}`)
      satChars += text.length
    }
  }
  await Promise.all(Array.from({ length: 10 }, lane))
  const saturatedCps = satChars / ((performance.now() - satBegan) / 1000)
  console.log(`throughput  one text at a time: ${Math.round(singleCps)} chars/s (${config.largeChars} chars in p50 ${ms(quantile(single, 0.5))})`)
  console.log(`            ten texts in flight: ${Math.round(saturatedCps)} chars/s (${config.saturatedN} texts)`)
  return { singleCharsPerS: Math.round(singleCps), singleP50Ms: Math.round(quantile(single, 0.5)), saturatedCharsPerS: Math.round(saturatedCps) }
}

/** @param {string} url @param {number} base */
async function smallLatencies (url, base) {
  const latencies = []
  for (let i = 0; i < config.smallN; i++) {
    const r = await analyse(url, prose(config.smallChars, base + i))
    if (r.status !== 200) throw new Error(`small: ${r.status}`)
    latencies.push(r.ms)
    await sleep(20)
  }
  return { p50: Math.round(quantile(latencies, 0.5)), p99: Math.round(quantile(latencies, 0.99)), max: Math.round(Math.max(...latencies)) }
}

/** @param {string} url */
async function latency (url) {
  const idle = await smallLatencies(url, 3000)
  const state = { stop: false }
  let variant = 4000
  let largeAnswered = 0
  const keepTen = async () => {
    while (!state.stop) {
      const r = await analyse(url, prose(config.largeChars, variant++))
      if (r.status !== 200) throw new Error(`large: ${r.status}`)
      largeAnswered++
    }
  }
  const large = Array.from({ length: 10 }, keepTen)
  const s = await until(url, (s) => s.lanes.large.running >= s.lanes.large.workers)
  const loaded = await smallLatencies(url, 5000)
  state.stop = true
  await Promise.all(large)
  console.log(`latency     small text (${config.smallChars} chars, three calls), idle: p50 ${idle.p50} ms, p99 ${idle.p99} ms, max ${idle.max} ms`)
  console.log(`            while ten large texts are analysed (${s.lanes.large.workers} large slots busy, ${largeAnswered} large answered meanwhile): p50 ${loaded.p50} ms, p99 ${loaded.p99} ms, max ${loaded.max} ms`)
  return { idle, underTenLarge: loaded }
}

/** @param {string} url */
async function cancel (url) {
  const rounds = []
  for (let round = 0; round < config.cancelRounds; round++) {
    const before = await until(url, (s) => s.busy === 0 && s.queued === 0 && s.workers === s.lanes.small.workers)
    const abort = new AbortController()
    const large = Array.from({ length: 10 }, (_, i) => analyse(url, prose(config.largeChars, 6000 + round * 10 + i), abort.signal))
    await until(url, (s) => s.lanes.large.running >= s.lanes.large.workers, 2)
    const abortedAt = performance.now()
    abort.abort()
    const next = analyse(url, prose(config.smallChars, 7000 + round))
    const idle = await until(url, (s) => s.busy <= 0 && s.queued === 0, 1)
    const freeMs = performance.now() - abortedAt
    const small = await next
    await Promise.all(large)
    const back = await until(url, (s) => s.workers === before.workers, 20)
    const backMs = performance.now() - abortedAt
    rounds.push({
      freeMs: Math.round(freeMs),
      cancelled: idle.cancelled - before.cancelled,
      terminated: idle.terminated - before.terminated,
      nextSmallMs: Math.round(small.ms),
      workersBackMs: Math.round(backMs),
      completedMeanwhile: back.completed - before.completed - 1
    })
  }
  for (const r of rounds) {
    console.log(`cancel      10 large aborted: no thread busy ${r.freeMs} ms after the abort; ${r.cancelled} cancelled, ${r.terminated} threads terminated; ` +
      `next small text ${r.nextSmallMs} ms; all threads ready again after ${r.workersBackMs} ms`)
  }
  return rounds
}

/** @param {string} url */
async function flood (url) {
  await until(url, (s) => s.busy === 0 && s.queued === 0, 20)
  const before = await stats(url)
  const deadline = config.floodDeadlineMs
  const began = performance.now()
  // The service's pattern: three calls per text, all texts at once; each call a deadline.
  const texts = await Promise.all(Array.from({ length: config.floodN }, async (_, i) => {
    const text = prose(config.largeChars, 10_000 + i)
    const calls = await Promise.all(KINDS.map((kind) => call(url, kind, text, undefined, deadline)))
    return calls
  }))
  const calls = texts.flat()
  const ok = calls.filter((c) => c.status === 200)
  const refused = calls.filter((c) => c.status === 503)
  const after = await stats(url)
  const result = {
    texts: config.floodN,
    calls: calls.length,
    ok: ok.length,
    okLate: ok.filter((c) => c.ms > deadline).length,
    okMaxMs: Math.round(Math.max(0, ...ok.map((c) => c.ms))),
    refused: refused.length,
    refusedMaxMs: Math.round(Math.max(0, ...refused.map((c) => c.ms))),
    retryAfterS: { min: Math.min(...refused.map((c) => c.retryAfter)), max: Math.max(...refused.map((c) => c.retryAfter)) },
    other: calls.length - ok.length - refused.length,
    tasks: after.completed - before.completed,
    totalMs: Math.round(performance.now() - began)
  }
  console.log(`flood       ${result.texts} texts × 3 calls at once, request-timeout-ms ${deadline}: ${result.ok} answered 200 (${result.okLate} after the deadline, ` +
    `slowest ${result.okMaxMs} ms), ${result.refused} refused 503 (slowest refusal ${result.refusedMaxMs} ms, Retry-After ${result.retryAfterS.min}–${result.retryAfterS.max} s), ` +
    `${result.other} other; ${result.tasks} tasks; ${result.totalMs} ms in all`)
  return result
}

/** Deterministic pseudo-random picks from `chars`. @param {string[]} chars @param {number} n */
function mixed (chars, n) {
  let x = 2463534242
  let out = ''
  while (out.length < n) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    out += chars[(x >>> 0) % chars.length]
  }
  return out.slice(0, n)
}

const SCRIPTS = [
  'The quick brown fox jumps over the lazy dog.', 'Ο Γιώργος ζει στην Αθήνα από το 1998.', 'Москва — столица России, а Нева течёт через Петербург.',
  'Երևանը Հայաստանի մայրաքաղաքն է։', 'ירושלים היא עיר עתיקה מאוד.', 'القاهرة هي عاصمة مصر وأكبر مدنها.', 'दिल्ली भारत की राजधानी है।',
  'ঢাকা বাংলাদেশের রাজধানী।', 'சென்னை தமிழ்நாட்டின் தலைநகரம்.', 'กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย', 'თბილისი საქართველოს დედაქალაქია.',
  '서울은 대한민국의 수도입니다.', '東京は日本の首都です。ひらがなとカタカナ。', '北京是中华人民共和国的首都。', 'አዲስ አበባ የኢትዮጵያ ዋና ከተማ ናት።',
  'ᐃᓄᒃᑎᑐᑦ ᑎᑎᕋᐅᓯᖅ', 'ཐིམ་ཕུ་ནི་འབྲུག་གི་རྒྱལ་ས་ཡིན།', 'ພາສາລາວ ວຽງຈັນ', 'ភ្នំពេញជារាជធានីនៃកម្ពុជា។', 'ᎣᏏ ᎠᏂᏴᏫᏯ', 'ꦗꦮ ꦲꦏ꧀ꦱꦫ', '𝔐𝔞𝔱𝔥 😀🚀 🇫🇷 👩‍👩‍👧'
]

/** The constructed worst cases, each ~50 000 characters. */
function worstTexts () {
  const n = 50_000
  const fill = (/** @type {string} */ unit) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)
  return {
    'New York City Hall × 2632': fill('New York City Hall '),
    'Mr. × 12500': fill('Mr. '),
    'A. × 25000': fill('A.'),
    'a × 50000': fill('a'),
    'one 50 000-char token': mixed([...'abcXYZ019_-./:@#%&*+=~éßøñ漢字かなКиї؟ع٣ीक€✓'], n),
    'every major script': fill(SCRIPTS.join(' ') + ' '),
    'long lines, no sentence end': prose(n + 5_000, 9000).replace(/[.!?;:]/gu, '').replace(/\n+/gu, ' ').slice(0, n)
  }
}

/** @param {string} url */
async function worst (url) {
  const results = []
  for (const [name, text] of Object.entries(worstTexts())) {
    await until(url, (s) => s.busy === 0 && s.queued === 0, 20)
    const r = await analyse(url, text, AbortSignal.timeout(config.worstTimeoutMs))
    const shown = r.status === 200 ? ms(r.ms) : r.status === 'aborted' ? `timeout (> ${config.worstTimeoutMs / 1000} s)` : `status ${r.status} after ${ms(r.ms)}`
    console.log(`worst       ${name.padEnd(30)} ${String(text.length).padStart(6)} chars: ${shown}`)
    results.push({ name, chars: text.length, status: r.status, ms: Math.round(r.ms) })
  }
  return results
}

// --- run --------------------------------------------------------------------------------------

function commit () {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

const machine = /** @type {Record<string, unknown>} */ ({
  commit: commit(),
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  loadavgBefore: os.loadavg().map((l) => Number(l.toFixed(2)))
})
console.log(`engine bench at ${machine.commit}, ${machine.date}, node ${machine.node}, ${machine.cpus} cpus (${machine.cpuModel}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)

const engine = await startEngine()
const results = /** @type {Record<string, unknown>} */ ({ machine, startupMs: engine.startupMs })
try {
  // The engine listens once its small-text thread is loaded; the large-text ones follow.
  const first = await until(engine.url, (s) => s.workers === engine.threads, 50)
  const readyMs = Math.round(performance.now() - engine.spawnedAt)
  results.readyMs = readyMs
  console.log(`engine      listening after ${engine.startupMs} ms, all ${first.workers} threads ready (${first.lanes.large.workers} for large texts) after ${readyMs} ms; ` +
    `warm-up ${first.warmUpMsPerChar.toFixed(4)} ms/char`)
  if (config.sections.includes('throughput')) results.throughput = await throughput(engine.url)
  if (config.sections.includes('latency')) results.latency = await latency(engine.url)
  if (config.sections.includes('cancel')) results.cancel = await cancel(engine.url)
  if (config.sections.includes('flood')) results.flood = await flood(engine.url)
  if (config.sections.includes('worst')) results.worst = await worst(engine.url)
  const last = await stats(engine.url)
  results.stats = last
  console.log(`stats       ${last.msPerChar.toFixed(4)} ms/char (warm-up ${last.warmUpMsPerChar.toFixed(4)}); tasks: ${last.completed} completed, ${last.cancelled} cancelled, ` +
    `${last.failed} failed, ${last.terminated} threads terminated; ${last.shared} shared, ${last.late} late, ${last.refused} refused`)
} finally {
  engine.child.kill('SIGTERM')
  await new Promise((resolve) => engine.child.once('exit', resolve))
  await agent.close()
}
machine.loadavgAfter = os.loadavg().map((l) => Number(l.toFixed(2)))
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
if (config.out !== undefined) writeFileSync(config.out, JSON.stringify(results, null, 2) + '\n')
