import express, { type Request, type Response } from 'express'
import { ApiError } from './api-error.ts'

type Middleware = (req: Request, res: Response, next: (error?: unknown) => void) => void

function run(middleware: Middleware, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    middleware(req, res, (error) => (error ? reject(mapBodyError(error)) : resolve())),
  )
}

function mapBodyError(error: unknown): Error {
  // body-parser reports its failures as http-errors with a `type`.
  const type = (error as { type?: string }).type
  if (type === 'entity.too.large')
    return new ApiError('payload_too_large', 'The request body is too large.')
  if (type === 'entity.parse.failed')
    return new ApiError('malformed_json', 'The request body is not valid JSON.')
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError('unsupported_media_type', 'The request body encoding is not supported.')
  }
  if (type === 'request.aborted' || type === 'request.size.invalid')
    return new ApiError('validation_failed', 'The request body was incomplete.')
  return error instanceof Error ? error : new Error(String(error))
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * A reader of JSON bodies (strict: objects and arrays only) up to `limit` bytes. Built once per
 * route when it is mounted: building body-parser's middleware (limit and type parsing) on every
 * request cost more than reading a small body.
 */
export function jsonBodyReader(limit: number): (req: Request, res: Response) => Promise<unknown> {
  const parser = express.json({ limit, strict: true }) as Middleware
  return async (req, res) => {
    if (!hasBody(req)) return undefined
    if (!req.is('application/json')) {
      throw new ApiError('unsupported_media_type', 'Send the request body as application/json.')
    }
    await run(parser, req, res)
    return req.body as unknown
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
