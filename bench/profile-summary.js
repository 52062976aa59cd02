// @ts-check
// Prints the top self-time functions of a V8 .cpuprofile (from node --cpu-prof, e.g. BENCH_PROFILE=1): node bench/profile-summary.js FILE [N].
import { readFileSync } from 'node:fs'

const [file, topRaw] = process.argv.slice(2)
if (!file) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [N]')
  process.exit(1)
}
const top = Number(topRaw ?? 30)

/** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }[], samples: number[], timeDeltas: number[] }} */
const profile = JSON.parse(readFileSync(file, 'utf8'))

/** @type {Map<number, number>} self time per node id, microseconds */
const self = new Map()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)
// Percentages are of busy time: with BENCH_PROFILE=1 the target idles while the other target is loaded.
const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((a, n) => a + (self.get(n.id) ?? 0), 0)
const busy = total - idle

/** @param {string} url */
function where (url) {
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length)
  const src = url.search(/\/(dist|src|bench)\//)
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '')
}

/** @type {Map<string, number>} */
const byFunction = new Map()
/** @type {Map<string, number>} */
const byModule = new Map()
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0
  if (us === 0 || node.callFrame.functionName === '(idle)') continue
  const { functionName, url, lineNumber } = node.callFrame
  const loc = where(url)
  const key = `${functionName || '(anonymous)'}  ${loc ? `${loc}:${lineNumber + 1}` : ''}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + us)
  const mod = url === '' ? `(${functionName})` : url.startsWith('node:') ? 'node core' : loc.includes('/') && url.includes('node_modules/') ? loc.split('/').slice(0, loc.startsWith('@') ? 2 : 1).join('/') : loc.split('/').slice(0, 2).join('/')
  byModule.set(mod, (byModule.get(mod) ?? 0) + us)
}

/** @param {Map<string, number>} m @param {number} n */
function print (m, n) {
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
  }
}
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages are of busy time)\n\nself time by function:`)
print(byFunction, top)
console.log('\nself time by package / directory:')
print(byModule, 15)
