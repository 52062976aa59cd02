// Many tasks, a bounded number at a time, their results yielded as each completes and only as fast as the consumer pulls.

/**
 * Hand-written: p-map and its kind resolve in input order (holding every finished result behind the
 * slowest) or push results as they come (buffering without bound for a slow reader). Here a result is
 * yielded in completion order, and a finished result keeps its place in the window until it is
 * pulled, so at most `window` tasks are ever running or waiting to be read: a consumer that stops
 * pulling stops new work. A task that rejects is rethrown to the consumer; the others still running
 * can no longer reject unhandled.
 */
export async function * inCompletionOrder<T> (count: number, window: number, task: (index: number) => Promise<T>): AsyncGenerator<T, void, undefined> {
  const running = new Map<number, Promise<Settled<T>>>()
  let next = 0
  while (next < count || running.size > 0) {
    while (running.size < window && next < count) {
      const index = next++
      running.set(index, task(index).then((result) => ({ index, result }), (err: unknown) => ({ index, err })))
    }
    const done = await Promise.race(running.values())
    running.delete(done.index)
    if ('err' in done) throw done.err
    yield done.result
  }
}

type Settled<T> = { index: number, result: T } | { index: number, err: unknown }
