// Reads a request body into one Buffer, refusing to buffer more than a limit.
import type { IncomingMessage } from 'node:http'
import { BodyTooLargeError } from './errors.js'

/**
 * Resolves with the whole body, or rejects with BodyTooLargeError as soon as it passes `limit`
 * bytes (the rest is left unread: the caller answers 413 and closes the connection), or with the
 * stream's error if the client goes away.
 */
export function readBody (req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        req.pause()
        reject(new BodyTooLargeError(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(err)
    }
    const onClose = (): void => {
      // 'close' before 'end': the client aborted mid-body
      if (req.complete) return
      cleanup()
      reject(new Error('request aborted before its body was complete'))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}
