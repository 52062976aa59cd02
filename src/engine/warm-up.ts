// Runs in each worker: the analyses on ordinary prose at load, and the timings the cost model starts from.
import { analyse } from './analyses/index.js'
import type { AnalysisKind } from './analyses/index.js'
import { CALIBRATION_TEXT } from './calibration-text.js'
import { endpointKinds } from './endpoints.js'

/** ms, each the median of a few runs. */
export interface Calibration {
  /** all kinds on `chars` characters: the per-character cost */
  readonly chars: number
  readonly allMs: number
  /** on the shorter CALIBRATION_TEXT: reading alone, and reading plus each one kind, for their shares */
  readonly readMs: number
  readonly kindMs: Readonly<Record<AnalysisKind, number>>
}

// Twice, because the first run of a fresh thread is still mostly compiling: JIT and lazy loading
// happen here, not in the first real request.
export function warmUp (): void {
  analyse(CALIBRATION_TEXT, endpointKinds)
  analyse(CALIBRATION_TEXT, endpointKinds)
}

const RUNS = 3
// Doubled for the per-character figure: a short text's fixed costs (setting up the parsers) would
// overstate it; 500 characters cost ~0.03 ms/char, 50 000 ~0.01 on this VM.
const LONGER = `${CALIBRATION_TEXT}\n\n${CALIBRATION_TEXT}`

export function calibrate (): Calibration {
  const time = (text: string, kinds: readonly AnalysisKind[]): number => {
    const runs: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now()
      analyse(text, kinds)
      runs.push(performance.now() - started)
    }
    return runs.sort((a, b) => a - b)[RUNS >> 1] ?? 0
  }
  const kindMs = Object.fromEntries(endpointKinds.map((kind) => [kind, time(CALIBRATION_TEXT, [kind])])) as Record<AnalysisKind, number>
  return { chars: LONGER.length, allMs: time(LONGER, endpointKinds), readMs: time(CALIBRATION_TEXT, []), kindMs }
}
