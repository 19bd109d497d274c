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
})
