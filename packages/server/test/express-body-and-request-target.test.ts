import { once } from 'node:events'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { JoinResponseSchema, ProblemSchema, type WebhookRequest } from '@callport/core'
import express from 'express'
import { describe, expect, it } from 'vitest'
import { createCallServer, type Logger } from '../src/index'
import { toNodeHandler } from '../src/node'
import { stubAdapter } from './stub-adapter'
import { useLocalServers } from './local-servers'

const quiet: Logger = { info() {}, warn() {}, error() {} }
const { listen } = useLocalServers()

/** A webhook that, like Twilio's, verifies a signature over the exact form body. */
const FORM_BODY = 'RoomName=standup&StatusCallbackEvent=room-ended&RoomSid=RM1'
function signedFormWebhook() {
  const received: WebhookRequest[] = []
  const webhook = {
    verify: async (delivery: WebhookRequest) => {
      received.push(delivery)
      return delivery.body === FORM_BODY && delivery.headers.get('x-signature') === 'good'
    },
    parse: async () => [],
  }
  return { webhook, received }
}

function callServer() {
  const { webhook, received } = signedFormWebhook()
  const calls = createCallServer({ providers: [stubAdapter('stub', { webhook })], basePath: '/calls', authorize: async () => ({ identity: 'alice' }), logger: quiet })
  return { calls, received }
}

const postJoin = (port: number) =>
  fetch(`http://127.0.0.1:${port}/calls/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ room: 'standup' }) })
const postWebhook = (port: number) =>
  fetch(`http://127.0.0.1:${port}/calls/webhooks/stub`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-signature': 'good' },
    body: FORM_BODY,
  })

describe('behind Express body parsers', () => {
  it('express.json() before the handler: a valid join works from req.body (it used to be 400 "not valid UTF-8 JSON")', async () => {
    const { calls } = callServer()
    const app = express()
    app.use(express.json())
    app.use('/calls', toNodeHandler(calls))
    const port = await listen(createServer(app))
    const response = await postJoin(port)
    expect(response.status).toBe(200)
    expect(JoinResponseSchema.parse(await response.json()).room.name).toBe('standup')
    // The parsed body is validated like a read one.
    const invalid = await fetch(`http://127.0.0.1:${port}/calls/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"room":""}' })
    expect(invalid.status).toBe(400)
  })

  it('express.urlencoded() before the handler: a valid signed webhook is a 500 naming the middleware (it used to be 403)', async () => {
    const { calls, received } = callServer()
    const app = express()
    app.use(express.urlencoded())
    app.use('/calls', toNodeHandler(calls))
    const port = await listen(createServer(app))
    const response = await postWebhook(port)
    expect(response.status).toBe(500)
    const problem = ProblemSchema.parse(await response.json())
    expect(problem.code).toBe('INTERNAL')
    expect(problem.detail).toMatch(/body parsers such as express\.json\(\), express\.urlencoded\(\)/)
    expect(received).toHaveLength(0)
  })

  it('express.raw() before the handler: the raw bytes it kept are used, and the signature verifies', async () => {
    const { calls, received } = callServer()
    const app = express()
    app.use(express.raw({ type: '*/*' }))
    app.use('/calls', toNodeHandler(calls))
    const port = await listen(createServer(app))
    expect((await postWebhook(port)).status).toBe(204)
    expect(received[0]?.body).toBe(FORM_BODY)
  })

  it('mounted first, as the guide says, the handler reads the body itself', async () => {
    const { calls } = callServer()
    const app = express()
    app.use('/calls', toNodeHandler(calls))
    app.use(express.json())
    const port = await listen(createServer(app))
    expect((await postJoin(port)).status).toBe(200)
    expect((await postWebhook(port)).status).toBe(204)
  })
})

/** Sends one raw HTTP/1.1 request and answers the status line. */
async function rawRequest(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.write(text)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  await once(socket, 'end')
  socket.destroy()
  return Buffer.concat(chunks).toString('latin1')
}

function absoluteFormJoin(port: number): string {
  const body = JSON.stringify({ room: 'standup' })
  return (
    `POST http://127.0.0.1:${port}/calls/join HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

describe('an absolute-form request target (POST http://host/calls/join HTTP/1.1)', () => {
  it('is routed like the origin-form through node:http (it used to be 404)', async () => {
    const { calls } = callServer()
    const port = await listen(createServer(toNodeHandler(calls)))
    const answer = await rawRequest(port, absoluteFormJoin(port))
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK')
    expect(answer).toContain('"token"')
  })

  it('is routed through Express too', async () => {
    const { calls } = callServer()
    const app = express()
    app.use('/calls', toNodeHandler(calls))
    const port = await listen(createServer(app))
    const answer = await rawRequest(port, absoluteFormJoin(port))
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK')
  })
})
