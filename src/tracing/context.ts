// OpenTelemetry's active context, kept in an AsyncLocalStorage this service owns so diagnostics channels can bind it.
import { AsyncLocalStorage } from 'node:async_hooks'
import { ROOT_CONTEXT } from '@opentelemetry/api'
import type { Context, ContextManager } from '@opentelemetry/api'

/**
 * Why not @opentelemetry/context-async-hooks' AsyncLocalStorageContextManager: its storage is private,
 * and the core's events need it in hand. `attemptChannel.start.bindStore(storage, …)` makes an
 * attempt's span the active context while the call runs inside `start.runStores`, so undici's
 * instrumentation (which reads `context.active()` when the request is created, synchronously inside
 * `dispatch`) parents the HTTP client span on it and injects its `traceparent`, with no wrapper or
 * callback in the core. Being the global context manager as well, the same storage carries
 * @fastify/otel's `context.with` and the channels' bound stores: one active context, not two.
 *
 * `bind` binds functions only; OpenTelemetry's manager also patches EventEmitters, which no
 * instrumentation used here asks for.
 */
export class ChannelContextManager implements ContextManager {
  readonly storage = new AsyncLocalStorage<Context>()

  active (): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>> (context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    if (thisArg === undefined) return this.storage.run(context, fn, ...args)
    return this.storage.run(context, () => fn.apply(thisArg, args))
  }

  bind<T> (context: Context, target: T): T {
    if (typeof target !== 'function') return target
    const manager = this
    const fn = target as unknown as (...args: unknown[]) => unknown
    return function bound (this: unknown, ...args: unknown[]) {
      return manager.with(context, fn, this, ...args)
    } as unknown as T
  }

  enable (): this {
    return this
  }

  disable (): this {
    this.storage.disable()
    return this
  }
}
