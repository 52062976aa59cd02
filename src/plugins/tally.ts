// Request durations kept in plain numbers on the request path and handed to prom-client when scraped.
//
// Hand-written because prom-client hashes the label set on every observe() and inc(), even through a
// labels() child: under the CPU-bound benchmark that was about 3 µs a request, most of what the
// metrics cost. Here an observation is a short bucket scan and three additions.
import { Histogram } from 'prom-client'
import type { HistogramConfiguration, MetricType } from 'prom-client'

/** One label set's histogram: counts per bucket (not cumulative, the last one +Inf), sum and count. */
export class HistogramTally {
  readonly bounds: readonly number[]
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor (bounds: readonly number[]) {
    this.bounds = bounds
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe (value: number): void {
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
  }
}

type HistogramValues<T extends string> = Awaited<ReturnType<Histogram<T>['get']>>['values']

/**
 * A prom-client Histogram whose values come from tallies, one per combination of its label values. It
 * is registered and exposed like any other; only observe() is bypassed (use `tally(...labelValues)`,
 * given in the order of `labelNames`, and keep the tally: looking it up is the only per-call cost).
 */
export class TalliedHistogram<T extends string> extends Histogram<T> {
  readonly #name: string
  readonly #help: string
  readonly #labels: readonly T[]
  readonly #bounds: readonly number[]
  readonly #tallies = new Map<string, { values: readonly string[], tally: HistogramTally }>()

  constructor (config: HistogramConfiguration<T> & { labelNames: readonly T[], buckets: readonly number[] }) {
    super(config)
    this.#name = config.name
    this.#help = config.help
    this.#labels = config.labelNames
    this.#bounds = config.buckets
  }

  /** The tally for one combination of label values, created on first use. */
  tally (...labelValues: string[]): HistogramTally {
    const key = labelValues.join('\u0000')
    let t = this.#tallies.get(key)
    if (t === undefined) {
      t = { values: labelValues, tally: new HistogramTally(this.#bounds) }
      this.#tallies.set(key, t)
    }
    return t.tally
  }

  override async get (): ReturnType<Histogram<T>['get']> {
    const values: HistogramValues<T> = []
    for (const { values: labelValues, tally: t } of this.#tallies.values()) {
      const labels = Object.fromEntries(this.#labels.map((name, i) => [name, labelValues[i]])) as Record<T, string>
      let running = 0
      for (let i = 0; i < t.counts.length; i++) {
        running += t.counts[i]!
        const le = i < t.bounds.length ? t.bounds[i]! : '+Inf'
        values.push({ metricName: `${this.#name}_bucket`, labels: { ...labels, le } as Record<T, string>, value: running })
      }
      values.push({ metricName: `${this.#name}_sum`, labels, value: t.sum })
      values.push({ metricName: `${this.#name}_count`, labels, value: t.count })
    }
    // prom-client's types declare `type` as a numeric enum; at run time it is this string.
    return { name: this.#name, help: this.#help, type: 'histogram' as unknown as MetricType, aggregator: 'sum', collect: noop, values }
  }

  /** prom-client's Registry reads a histogram through this method, which its types leave out. */
  async getForPromString (): ReturnType<Histogram<T>['get']> {
    return this.get()
  }
}

function noop (): void {}
