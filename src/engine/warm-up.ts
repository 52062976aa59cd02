// Runs in each worker as it loads: the analyses on ordinary prose, timed in the large-text threads for the cost model's first figure.
import { analyse } from './analyses/index.js'
import type { AnalysisKind } from './analyses/index.js'
import { CALIBRATION_TEXT } from './calibration-text.js'
import { endpointKinds } from './endpoints.js'

/** ms, on this thread, as it finished loading. */
export interface Calibration {
  /** all kinds on `chars` characters: the per-character cost */
  readonly chars: number
  readonly allMs: number
  /** on the shorter CALIBRATION_TEXT: reading alone, and reading plus each one kind, for their shares */
  readonly readMs: number
  readonly kindMs: Readonly<Record<AnalysisKind, number>>
}

// A headline, a byline, names, places, amounts and dates: every rule of the analyses runs once.
const SAMPLE = 'Acme Corp Buys Robot Maker\n\nBy Jane Doe\n\n' +
  'Ada Lovelace met Charles Babbage in London on 5 June 1833. ' +
  'She wrote the first published algorithm for his Analytical Engine. ' +
  'Acme Corp, a Chennai-based firm, paid $2.5m, about 15% more than planned, for her notes; Lovelace said in 1843 that ' +
  'the Engine "weaves algebraic patterns" for the British Association.'

// Doubled for the per-character figure: a short text's fixed costs (setting up the parsers) would
// overstate it; 500 characters cost ~0.03 ms/char, 50 000 ~0.01 on this VM.
const LONGER = `${CALIBRATION_TEXT}\n\n${CALIBRATION_TEXT}`

/** JIT and lazy loading happen here, not in the first real request: ~0.1 s of a core. */
export function warmUp (): void {
  analyse(SAMPLE, endpointKinds)
  analyse(CALIBRATION_TEXT, endpointKinds)
}

/**
 * A warm-up that also times the analyses: a first run of everything (mostly compiling, so not
 * timed), then each kind alone, then everything on a longer text. About 0.5 s of a core; one
 * thread's figure is noisy, which is why completed tasks take over.
 */
export function calibrate (): Calibration {
  const time = (text: string, kinds: readonly AnalysisKind[]): number => {
    const started = performance.now()
    analyse(text, kinds)
    return performance.now() - started
  }
  warmUp()
  const readMs = time(CALIBRATION_TEXT, [])
  const kindMs = Object.fromEntries(endpointKinds.map((kind) => [kind, time(CALIBRATION_TEXT, [kind])])) as Record<AnalysisKind, number>
  return { chars: LONGER.length, allMs: time(LONGER, endpointKinds), readMs, kindMs }
}
