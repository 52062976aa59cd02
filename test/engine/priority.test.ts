// The large-text threads' CPU priority (Linux): largeNice above the engine's, the small-text thread at the engine's own.
import { readFileSync, readdirSync } from 'node:fs'
import t from 'tap'
import { TextEngine } from '../../src/engine/text-engine.js'
import { waitFor } from '../helpers/engine.js'

/** The nice value of each of this process's OS threads (field 19 of /proc/self/task/<tid>/stat). */
const niceValues = (): number[] => readdirSync('/proc/self/task').flatMap((tid) => {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    // after the command name (which may hold spaces) come fields 3 onwards
    return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])]
  } catch {
    return [] // a thread that ended meanwhile
  }
})

const base = niceValues()[0]!

/** How many threads sit at each nice value above the main thread's, once every engine thread has loaded. */
const nicedBy = async (largeNice: number): Promise<Record<number, number>> => {
  // one large-text thread; each thread loads the models (seconds under tap's loader)
  const engine = TextEngine.start({ workers: 1, largeNice })
  try {
    await waitFor('every engine thread to load', () => engine.stats().workers === 2, 120_000)
    const counts: Record<number, number> = {}
    for (const nice of niceValues()) if (nice > base) counts[nice - base] = (counts[nice - base] ?? 0) + 1
    return counts
  } finally {
    await engine.close()
  }
}

// One engine (each costs seconds of loading under tap): the default, 10, is checkLargeNice's (config.test.ts).
t.test('the large-text thread, and only it, runs largeNice nicer than the engine', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  t.same(await nicedBy(3), { 3: 1 })
})

t.test('a largeNice out of range is refused by name', async (t) => {
  for (const value of [-1, 20, 1.5]) t.throws(() => TextEngine.start({ largeNice: value }), { name: 'EngineOptionError', option: 'largeNice' }, String(value))
})
