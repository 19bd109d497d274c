import { CallportError } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { janus, janusServerCapabilities, janusTokenTtlBounds } from '../src/server/index'
import { videoRoomIdOf } from '../src/server/signed-tokens'

const base = { url: 'http://127.0.0.1:8088/janus', tokenSecret: 'janus-secret', environmentVariables: {} }

const failure = (run: () => unknown): CallportError => {
  try {
    run()
  } catch (error) {
    if (CallportError.isInstance(error)) return error
    throw error
  }
  throw new Error('did not throw')
}

describe('janus settings', () => {
  it('takes the Janus API URL and the token secret; pages get the same URL unless clientUrl says otherwise', () => {
    const adapter = janus({ ...base, url: 'http://127.0.0.1:8088/janus/' })
    expect(adapter).toMatchObject({ provider: 'janus', url: 'http://127.0.0.1:8088/janus', clientUrl: 'http://127.0.0.1:8088/janus' })
    expect(janus({ ...base, clientUrl: 'wss://janus.example.com/' }).clientUrl).toBe('wss://janus.example.com/')
    // defineServerAdapter leaves out the updateParticipant flag when false (absent = false).
    expect({ updateParticipant: false, ...adapter.capabilities }).toEqual(janusServerCapabilities)
    expect(adapter.capabilities.tokenTtlSeconds).toEqual(janusTokenTtlBounds)
  })

  it('falls back to JANUS_URL, JANUS_CLIENT_URL, JANUS_TOKEN_SECRET and JANUS_ADMIN_KEY', () => {
    const adapter = janus({
      environmentVariables: { JANUS_URL: 'https://janus.example.com/janus', JANUS_CLIENT_URL: 'wss://janus.example.com/ws', JANUS_TOKEN_SECRET: 's', JANUS_ADMIN_KEY: 'k' },
    })
    expect(adapter).toMatchObject({ url: 'https://janus.example.com/janus', clientUrl: 'wss://janus.example.com/ws' })
  })

  it('refuses unknown settings by name, with the closest known one', () => {
    const error = failure(() => janus({ ...base, tokenSecrets: 'x' } as never))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('unknown setting "tokenSecrets" (did you mean "tokenSecret"?)')
  })

  it('names every missing or invalid setting', () => {
    const missing = failure(() => janus({ environmentVariables: {} }))
    expect(missing.code).toBe('INVALID_INPUT')
    expect(missing.message).toContain('url (or JANUS_URL) is required')
    expect(missing.message).toContain('tokenSecret (or JANUS_TOKEN_SECRET) is required')
    expect(failure(() => janus({ ...base, url: 'ws://127.0.0.1:8188' })).message).toContain('http:// or https:// URL of the Janus API')
    expect(failure(() => janus({ ...base, clientUrl: 'ftp://x' })).message).toContain('clientUrl (or JANUS_CLIENT_URL) must be')
    expect(failure(() => janus({ ...base, turn: { urls: ['turn:127.0.0.1:3478'], secret: 's', ttl: 5 } as never })).message).toContain('unknown setting "ttl"')
  })

  it('takes TURN from CALLPORT_TURN_URLS and CALLPORT_TURN_SECRET, and puts credentials in every token', async () => {
    const adapter = janus({
      ...base,
      environmentVariables: { CALLPORT_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp, turns:turn.example.com', CALLPORT_TURN_SECRET: 'turn-secret' },
    })
    const room = { name: 'turn-room', provider: 'janus', providerRoomId: '0' }
    // A subscriber's token needs no Janus request; the room id is checked first.
    await expect(adapter.issueToken({ room, participant: { identity: 'ann', role: 'subscriber' }, ttlSeconds: 600 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const id = String(await videoRoomIdOf('turn-room'))
    const token = await adapter.issueToken({ room: { ...room, providerRoomId: id }, participant: { identity: 'ann', role: 'subscriber' }, ttlSeconds: 600 })
    const iceServers = JSON.parse(String(token.connect.iceServers)) as { urls: string[]; username: string; credential: string }[]
    expect(iceServers).toHaveLength(1)
    expect(iceServers[0]!.urls).toEqual(['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example.com'])
    expect(iceServers[0]!.username).toBe(`${Math.floor(Date.parse(token.expiresAt) / 1000)}:ann`)
    expect(token.connect).toMatchObject({ url: base.url, room: Number(id), publish: false })
  })

  describe('several Janus servers', () => {
    const two = { tokenSecret: 'janus-secret', adminKey: 'k', environmentVariables: {} }

    it('take servers: [{ url, clientUrl?, id? }]: the id defaults to the URL host, clientUrl to url; url and clientUrl are the first server', () => {
      const adapter = janus({
        ...two,
        servers: [{ url: 'http://10.0.0.1:8088/janus/' }, { url: 'http://10.0.0.2:8088/janus', clientUrl: 'wss://b.example.com/', id: 'janus-b' }],
      })
      expect(adapter.servers).toEqual([
        { id: '10.0.0.1:8088', url: 'http://10.0.0.1:8088/janus', clientUrl: 'http://10.0.0.1:8088/janus' },
        { id: 'janus-b', url: 'http://10.0.0.2:8088/janus', clientUrl: 'wss://b.example.com/' },
      ])
      expect(adapter).toMatchObject({ url: 'http://10.0.0.1:8088/janus', clientUrl: 'http://10.0.0.1:8088/janus' })
      // One server (url, or servers with one entry) is one server.
      expect(janus(base).servers).toEqual([{ id: '127.0.0.1:8088', url: base.url, clientUrl: base.url }])
    })

    it('take JANUS_URL listing several URLs, JANUS_CLIENT_URL matching by position; servers in the settings win over JANUS_URL', () => {
      const adapter = janus({
        environmentVariables: {
          JANUS_URL: 'http://10.0.0.1:8088/janus, http://10.0.0.2:8088/janus',
          JANUS_CLIENT_URL: 'wss://a.example.com/,wss://b.example.com/',
          JANUS_TOKEN_SECRET: 's',
          JANUS_ADMIN_KEY: 'k',
        },
      })
      expect(adapter.servers.map(({ url, clientUrl }) => [url, clientUrl])).toEqual([
        ['http://10.0.0.1:8088/janus', 'wss://a.example.com/'],
        ['http://10.0.0.2:8088/janus', 'wss://b.example.com/'],
      ])
      const environmentVariables = { JANUS_URL: 'http://10.0.0.1:8088/janus,http://10.0.0.2:8088/janus', JANUS_TOKEN_SECRET: 's', JANUS_ADMIN_KEY: 'k' }
      expect(janus({ environmentVariables }).servers.map((server) => server.clientUrl)).toEqual(['http://10.0.0.1:8088/janus', 'http://10.0.0.2:8088/janus'])
      expect(janus({ environmentVariables, servers: [{ url: 'http://10.0.0.9:8088/janus' }] }).servers.map((server) => server.url)).toEqual(['http://10.0.0.9:8088/janus'])
      const mismatch = failure(() => janus({ environmentVariables: { ...environmentVariables, JANUS_CLIENT_URL: 'wss://a.example.com/' } }))
      expect(mismatch).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('JANUS_CLIENT_URL lists 1 URL(s) for the 2 of JANUS_URL') })
    })

    it('refuse unknown server settings by name, url beside servers, repeated ids, bad ids and URLs, no servers, several without adminKey', () => {
      const unknown = failure(() => janus({ ...two, servers: [{ url: 'http://10.0.0.1:8088/janus', clientURL: 'wss://x/' } as never] }))
      expect(unknown.code).toBe('INVALID_INPUT')
      expect(unknown.message).toContain('servers.0: unknown setting "clientURL" (did you mean "clientUrl"?) (known: url, clientUrl, id)')
      expect(failure(() => janus({ ...two, url: base.url, servers: [{ url: base.url }] })).message).toContain('give either url (and clientUrl) or servers, not both')
      expect(failure(() => janus({ ...two, servers: [{ url: 'http://10.0.0.1:8088/janus' }, { url: 'http://10.0.0.1:8088/other' }] })).message).toContain(
        'the id "10.0.0.1:8088" names two servers',
      )
      expect(failure(() => janus({ ...two, servers: [{ url: base.url, id: 'a/b' }] })).message).toContain('servers.0.id: id must be 1 to 100 letters')
      expect(failure(() => janus({ ...two, servers: [{ url: 'ws://10.0.0.1:8188' }] })).message).toContain('servers.0.url: url must be the http:// or https:// URL')
      expect(failure(() => janus({ ...two, servers: [] })).message).toContain('servers: servers is empty')
      const withoutKey = failure(() =>
        janus({ tokenSecret: 's', environmentVariables: {}, servers: [{ url: 'http://10.0.0.1:8088/janus' }, { url: 'http://10.0.0.2:8088/janus' }] }),
      )
      expect(withoutKey.message).toContain('several Janus servers need adminKey (or JANUS_ADMIN_KEY)')
    })
  })
})
