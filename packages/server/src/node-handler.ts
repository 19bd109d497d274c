import type { IncomingMessage, ServerResponse } from 'node:http'
import { CallportError } from '@callport/core'
import type { Answer } from './answer'
import type { CallServer } from './create-call-server'
import { pathBelow } from './http-handler'
import { handleIncomingCall, type IncomingCall } from './incoming-call'
import { NodeIncomingCall } from './node-request'
import { problemAnswer } from './problem'

/** A node:http request listener that also works as Connect/Express middleware. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void

/** Express keeps the path before its mount point in `originalUrl`; node:http has only `url`. */
function originalPath(incoming: IncomingMessage): string {
  const path = (incoming as IncomingMessage & { originalUrl?: string }).originalUrl ?? incoming.url ?? '/'
  return path.startsWith('/') ? path : `/${path}`
}

function pathnameOf(path: string): string {
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
}

/** A body we did not read to the end is not drained: the connection closes after the answer. */
function closeUnlessRead(incoming: IncomingMessage, headers: Record<string, string>): Record<string, string> {
  return incoming.complete ? headers : { ...headers, connection: 'close' }
}

function writeAnswer(answer: Answer, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const headers = closeUnlessRead(incoming, answer.headers)
  if (answer.body === null) {
    outgoing.writeHead(answer.status, headers).end()
    return
  }
  // One Buffer: node:http then writes head and body without re-encoding a string (measurably cheaper per answer).
  const body = Buffer.from(answer.body)
  headers['content-length'] = String(body.length)
  outgoing.writeHead(answer.status, headers).end(body)
}

/**
 * Turns a call server into a node:http request listener: `createServer(toNodeHandler(calls))`.
 * Works as Express/Connect middleware too, mounted at the server's base path
 * (`app.use('/calls', toNodeHandler(calls))` with `basePath: '/calls'`): it reads the full path from
 * `req.originalUrl` and passes requests outside the base path to `next`. Mount it before any body
 * parser, since it reads the request body itself. It reads bodies from the socket as they arrive,
 * up to the API's limit.
 */
export function toNodeHandler(calls: CallServer): NodeHandler {
  const handle = (calls as CallServer & { [handleIncomingCall]?: (call: IncomingCall) => Promise<Answer> })[handleIncomingCall]
  if (typeof handle !== 'function') throw new CallportError('INVALID_INPUT', 'toNodeHandler needs a server made by createCallServer')
  const { basePath } = calls
  return (incoming, outgoing, next) => {
    const path = originalPath(incoming)
    if (next && pathBelow(pathnameOf(path), basePath) === undefined) {
      next()
      return
    }
    let call: NodeIncomingCall
    try {
      call = new NodeIncomingCall(incoming, path)
    } catch (cause) {
      writeAnswer(problemAnswer(new CallportError('INVALID_INPUT', 'The request URL is not valid', { cause })), incoming, outgoing)
      return
    }
    handle(call)
      .then((answer) => writeAnswer(answer, incoming, outgoing))
      .catch((error: unknown) => {
        if (next && !outgoing.headersSent) next(error)
        else outgoing.destroy()
      })
      .finally(() => call.finish())
  }
}
