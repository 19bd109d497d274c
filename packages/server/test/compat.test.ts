import { ProblemSchema, type CompatHandler } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { createCallServer } from '../src/index'
import { alice, postJson, stubAdapter } from './stub-adapter'

/** A sample-app API in the style of a vendor tutorial: create a session, then get a connection token. */
const samples: CompatHandler = async (request, path, context) => {
  if (request.method !== 'POST') return undefined
  if (path === '/api/sessions') {
    const { customSessionId } = (await request.json()) as { customSessionId: string }
    const room = await context.ensureRoom(customSessionId)
    return Response.json(room.name)
  }
  const match = /^\/api\/sessions\/([^/]+)\/connections$/.exec(path)
  if (!match) return undefined
  const participant = await context.authorize()
  if (!participant) return new Response('sign in first', { status: 401 })
  const room = await context.ensureRoom(decodeURIComponent(match[1]!))
  const token = await context.issueToken(room, participant)
  return new Response(token.value, { headers: { 'content-type': 'text/plain' } })
}

function setup(options: { signedIn?: boolean } = {}) {
  const signaling = stubAdapter('signaling')
  const vendor = stubAdapter('vendor', { compat: { 'vendor-samples': samples } })
  const calls = createCallServer({
    providers: [signaling, vendor],
    authorize: async () => (options.signedIn === false ? null : alice),
    basePath: '/calls',
    compat: ['vendor-samples'],
    route: ({ room }) => (room.startsWith('s-') ? 'signaling' : 'vendor'),
  })
  return { calls, signaling, vendor }
}

describe('compatibility routes', () => {
  it('serve the paths the main routes do not match, below the base path, on their adapter', async () => {
    const { calls, vendor } = setup()
    const created = await calls.fetch(postJson('http://app.test/calls/api/sessions', { customSessionId: 'tutorial' }))
    expect(created.status).toBe(200)
    expect(await created.json()).toBe('tutorial')
    expect(vendor.rooms.has('tutorial')).toBe(true)
    const connection = await calls.fetch(new Request('http://app.test/calls/api/sessions/tutorial/connections', { method: 'POST' }))
    expect(connection.status).toBe(200)
    expect(await connection.text()).toBe(vendor.issued[0]?.token.value)
    expect(vendor.issued[0]?.token.identity).toBe('alice')
  })

  it('record the rooms they create, so the main routes see them live on that provider', async () => {
    const { calls } = setup()
    await calls.fetch(postJson('http://app.test/calls/api/sessions', { customSessionId: 'tutorial' }))
    const joined = await calls.fetch(postJson('http://app.test/calls/join', { room: 'tutorial' }))
    expect(joined.headers.get('callport-provider')).toBe('vendor')
  })

  it('give null from authorize when the app refuses the request', async () => {
    const { calls, vendor } = setup({ signedIn: false })
    const response = await calls.fetch(new Request('http://app.test/calls/api/sessions/tutorial/connections', { method: 'POST' }))
    expect(response.status).toBe(401)
    expect(await response.text()).toBe('sign in first')
    expect(vendor.issued).toEqual([])
  })

  it('cannot serve a room live on another provider, and validate room names', async () => {
    const { calls } = setup()
    await calls.join({ room: 's-daily', participant: alice })
    const elsewhere = await calls.fetch(new Request('http://app.test/calls/api/sessions/s-daily/connections', { method: 'POST' }))
    expect(ProblemSchema.parse(await elsewhere.json())).toMatchObject({ code: 'UNSUPPORTED', provider: 'vendor' })
    const invalid = await calls.fetch(postJson('http://app.test/calls/api/sessions', { customSessionId: 'no spaces' }))
    expect(invalid.status).toBe(400)
    expect(ProblemSchema.parse(await invalid.json()).code).toBe('INVALID_INPUT')
  })

  it('leave requests no handler takes to a 404 problem, and are not offered what the main routes match', async () => {
    const { calls } = setup()
    const unknown = await calls.fetch(new Request('http://app.test/calls/api/other', { method: 'POST' }))
    expect(unknown.status).toBe(404)
    expect(ProblemSchema.parse(await unknown.json()).code).toBe('NOT_FOUND')
    const outside = await calls.fetch(postJson('http://app.test/api/sessions', { customSessionId: 'tutorial' }))
    expect(outside.status).toBe(404)
    const wrongMethod = await calls.fetch(new Request('http://app.test/calls/join'))
    expect(wrongMethod.status).toBe(405)
  })

  it('are not offered requests when no compat set is enabled', async () => {
    const vendor = stubAdapter('vendor', { compat: { 'vendor-samples': samples } })
    const calls = createCallServer({ providers: [vendor], authorize: async () => alice })
    const response = await calls.fetch(postJson('http://app.test/api/sessions', { customSessionId: 'tutorial' }))
    expect(response.status).toBe(404)
    expect(vendor.ensured).toEqual([])
  })
})
