import express, { type Request, type Response } from 'express'
import { ApiError } from './api-error.ts'

type Middleware = (req: Request, res: Response, next: (error?: unknown) => void) => void

function run(middleware: Middleware, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    middleware(req, res, (error) => (error ? reject(mapBodyError(error)) : resolve())),
  )
}

// The same answers from body-parser's path and the direct one.
const tooLarge = () => new ApiError('payload_too_large', 'The request body is too large.')
const incomplete = () => new ApiError('validation_failed', 'The request body was incomplete.')
const malformedJson = () => new ApiError('malformed_json', 'The request body is not valid JSON.')

function mapBodyError(error: unknown): Error {
  // body-parser reports its failures as http-errors with a `type`.
  const type = (error as { type?: string }).type
  if (type === 'entity.too.large') return tooLarge()
  if (type === 'entity.parse.failed') return malformedJson()
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError('unsupported_media_type', 'The request body encoding is not supported.')
  }
  if (type === 'request.aborted' || type === 'request.size.invalid') return incomplete()
  return error instanceof Error ? error : new Error(String(error))
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * A reader of JSON bodies (strict: objects and arrays only) up to `limit` bytes. The common body —
 * plain UTF-8, not compressed — is read here directly: body-parser's pipeline (media type and
 * charset parsing, an iconv decoder, the stream plumbing of raw-body) cost a POST /decisions
 * more than the rest of its body handling (issue 19, point 9c). Anything else (another charset,
 * a Content-Encoding) goes through body-parser, built once per route when it is mounted, with
 * the same answers for the same faults.
 */
export function jsonBodyReader(limit: number): (req: Request, res: Response) => Promise<unknown> {
  const parser = express.json({ limit, strict: true }) as Middleware
  return async (req, res) => {
    if (!hasBody(req)) return undefined
    if (!req.is('application/json')) {
      throw new ApiError('unsupported_media_type', 'Send the request body as application/json.')
    }
    if (isPlainUtf8(req)) return parseStrictJson(await readBody(req, limit))
    await run(parser, req, res)
    return req.body as unknown
  }
}

/** No Content-Encoding and no charset other than UTF-8 (JSON's own, RFC 8259 §8.1). */
function isPlainUtf8(req: Request): boolean {
  const encoding = req.headers['content-encoding']
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]
  return charset === undefined || /^utf-?8$/i.test(charset)
}

/** The body's bytes, refused once they pass `limit` (the declared length is checked first). */
function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length']
  const expected = declared === undefined ? undefined : Number(declared)
  if (expected !== undefined && expected > limit) return Promise.reject(tooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const settle = (error: Error | undefined, body?: Buffer) => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
      if (error) {
        // What is left unread is discarded, as the server does with any body left unread.
        req.resume()
        reject(error)
      } else resolve(body!)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) settle(tooLarge())
      else chunks.push(chunk)
    }
    const onEnd = () => {
      if (expected !== undefined && size !== expected) settle(incomplete())
      else settle(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    }
    const onError = () => settle(incomplete())
    // The client went away before the body ended.
    const onClose = () => settle(incomplete())
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}

/** JSON's whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
const jsonWhitespace = new Set([' ', '\t', '\n', '\r'])

function firstNonWhitespace(text: string): number {
  let index = 0
  while (index < text.length && jsonWhitespace.has(text[index]!)) index += 1
  return index
}

/** JSON.parse of an object or array only (body-parser's `strict`); a leading BOM is dropped. */
function parseStrictJson(body: Buffer): unknown {
  let text = body.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.length === 0) return {}
  const first = text[firstNonWhitespace(text)]
  if (first !== '{' && first !== '[') throw malformedJson()
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw malformedJson()
  }
}

/** A reader of urlencoded form bodies up to `limit` bytes; built once per route, as above. */
export function formBodyReader(
  limit: number,
): (req: Request, res: Response) => Promise<Record<string, unknown>> {
  const parser = express.urlencoded({ limit, extended: false, parameterLimit: 200 }) as Middleware
  return async (req, res) => {
    if (!hasBody(req)) return {}
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new ApiError(
        'unsupported_media_type',
        'Send the form as application/x-www-form-urlencoded.',
      )
    }
    await run(parser, req, res)
    return (req.body ?? {}) as Record<string, unknown>
  }
}

export function requestHasBody(req: Request): boolean {
  return hasBody(req)
}
