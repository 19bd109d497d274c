import type { ConnectOptions, Token } from '@callport/core'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { kaleyra } from '../src/client/index'
import { FakeBandyerSdk, type FakeCall } from './fake-widget'
import { createTokenIssuer } from './tokens'
import { rejection } from './rejection'

const issuer = createTokenIssuer()
beforeAll(() => issuer.listen())
afterAll(() => issuer.close())

let sdk: FakeBandyerSdk
beforeEach(() => {
  sdk = new FakeBandyerSdk()
})

const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  audio: true,
  video: true,
  refreshToken: () => Promise.reject(new Error('not used')),
  ...extra,
})

/** The call the widget joined, once connected. */
const joinedCall = (): FakeCall => {
  const call = sdk.client?.call
  if (!call) throw new Error('the widget joined no call')
  return call
}

describe('connect', () => {
  it('loads nothing until connect, then configures from the token, logs in and joins the room link', async () => {
    const loader = vi.fn(async () => ({ default: sdk }))
    const adapter = kaleyra({ sdk: loader, configuration: { language: 'it' } })
    expect(loader).not.toHaveBeenCalled()
    const token = await issuer.issue('standup', 'alice', 600, 'moderator')
    const connection = await adapter.connect(token, options({ video: false }))
    expect(loader).toHaveBeenCalledTimes(1)
    expect(sdk.configurations).toEqual([
      { mode: 'embed', callType: 'audio_upgradable', language: 'it', appId: 'wAppId_client', region: 'eu', environment: 'sandbox', isAdmin: true },
    ])
    expect(sdk.calls).toEqual(['configure', 'connect alice', `joinCallURL ${String(token.connect.roomUrl)}`])
    expect(sdk.client?.accessToken).toBe(token.value)
    expect(connection.localParticipant).toEqual({ identity: 'alice', role: 'moderator' })
    await connection.disconnect()
  })

  it('only logs in when the token has no room link', async () => {
    const token = await issuer.issue('standup', 'alice')
    const { roomUrl: _dropped, ...connect } = token.connect
    const connection = await kaleyra({ sdk }).connect({ ...token, connect }, options())
    expect(sdk.calls).toEqual(['configure', 'connect alice'])
    await connection.disconnect()
  })

  it('refuses a token of another provider, or without the widget parameters', async () => {
    const token = await issuer.issue('standup', 'alice')
    expect((await rejection(kaleyra({ sdk }).connect({ ...token, provider: 'twilio' }, options()))).code).toBe('INVALID_INPUT')
    expect((await rejection(kaleyra({ sdk }).connect({ ...token, connect: { appId: 'x' } }, options()))).code).toBe('INVALID_INPUT')
    expect(sdk.calls).toEqual([])
  })

  it('maps a refused access token to UNAUTHORIZED and leaves no widget client behind', async () => {
    const token = await issuer.issue('standup', 'alice')
    sdk.refusedTokens.add(token.value)
    const error = await rejection(kaleyra({ sdk }).connect(token, options()))
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', details: { vendorError: 'access_token_invalid' } })
    expect(sdk.client).toBeUndefined()
    expect(sdk.calls.slice(-2)).toEqual(['disconnect', 'destroyClient'])
  })

  it('maps a refused room link to ROOM_NOT_FOUND and destroys the client', async () => {
    const token = await issuer.issue('standup', 'alice')
    sdk.refusedLinks.add(String(token.connect.roomUrl))
    expect((await rejection(kaleyra({ sdk }).connect(token, options()))).code).toBe('ROOM_NOT_FOUND')
    expect(sdk.client).toBeUndefined()
  })

  it('reports a widget client it did not create (client_already_exists, thrown synchronously) as CONNECTION_FAILED, and leaves it alone', async () => {
    const foreign = await sdk.configure({ appId: 'a', region: 'eu', environment: 'sandbox' })
    expect(() => sdk.configure({ appId: 'a', region: 'eu', environment: 'sandbox' })).toThrow('A client exists already')
    const error = await rejection(kaleyra({ sdk }).connect(await issuer.issue('standup', 'alice'), options()))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', details: { vendorError: 'client_already_exists' } })
    expect(sdk.client).toBe(foreign)
  })

  it('a third participant refused by the widget (join_url_mtm): UNSUPPORTED saying a call takes two, and the client is destroyed', async () => {
    const token = await issuer.issue('standup', 'alice')
    sdk.manyToManyLinks.add(String(token.connect.roomUrl))
    const error = await rejection(kaleyra({ sdk }).connect(token, options()))
    expect(error).toMatchObject({ code: 'UNSUPPORTED', provider: 'kaleyra', details: { vendorError: 'join_url_mtm' } })
    expect(error.message).toContain('at most 2 participants')
    expect(sdk.client).toBeUndefined()
  })

  it('refuses unknown options by name', () => {
    expect(() => kaleyra({ sdk, widgetVerison: '2.7.5' } as never)).toThrow(/widgetVerison.*widgetVersion/)
  })

  it('an abort during the login: ABORTED, and the widget client is destroyed', async () => {
    const controller = new AbortController()
    sdk.pause = async () => controller.abort()
    const error = await rejection(kaleyra({ sdk }).connect(await issuer.issue('standup', 'alice'), options({ signal: controller.signal })))
    expect(error.code).toBe('ABORTED')
    // defineClientAdapter answers ABORTED at once and releases the late connection when it arrives.
    await vi.waitFor(() => expect(sdk.client).toBeUndefined())
  })
})

describe('leaving and joining again', () => {
  it('destroys the widget client on leave, so the same page can join again', async () => {
    const adapter = kaleyra({ sdk })
    const first = await adapter.connect(await issuer.issue('standup', 'alice'), options())
    await first.disconnect()
    await first.disconnect()
    expect(sdk.calls.filter((call) => call === 'destroyClient')).toHaveLength(1)
    const second = await adapter.connect(await issuer.issue('standup', 'alice'), options())
    expect(sdk.calls.filter((call) => call === 'configure')).toHaveLength(2)
    await second.disconnect()
    expect(sdk.client).toBeUndefined()
  })

  it('a connect right after a leave that is still under way waits for it', async () => {
    const adapter = kaleyra({ sdk })
    const first = await adapter.connect(await issuer.issue('standup', 'alice'), options())
    const token = await issuer.issue('standup', 'alice')
    void first.disconnect()
    const second = await adapter.connect(token, options())
    expect(sdk.calls.indexOf('destroyClient')).toBeLessThan(sdk.calls.lastIndexOf('configure'))
    await second.disconnect()
  })
})

describe('widget events', () => {
  async function connected(identity = 'alice') {
    const connection = await kaleyra({ sdk }).connect(await issuer.issue('standup', identity), options())
    return connection
  }

  it('client:access_token:is_about_to_expire → token-expiring with the vendor payload as raw', async () => {
    const connection = await connected()
    const expiring = vi.fn()
    connection.on('token-expiring', expiring)
    const payload = { expiresAt: '2030-01-10T11:41:19.000Z' }
    sdk.client?.emit('client:access_token:is_about_to_expire', payload)
    expect(expiring).toHaveBeenCalledWith({ expiresAt: '2030-01-10T11:41:19.000Z', raw: payload })
    await connection.disconnect()
  })

  it('client:access_token:expired → disconnected (token-expired), and the widget client is released', async () => {
    const connection = await connected()
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    sdk.client?.emit('client:access_token:expired')
    expect(disconnected).toHaveBeenCalledWith({ reason: 'token-expired', raw: undefined })
    await vi.waitFor(() => expect(sdk.client).toBeUndefined())
  })

  it('client:force_disconnect → disconnected (removed), once', async () => {
    const connection = await connected()
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    const client = sdk.client
    client?.emit('client:force_disconnect', { reason: 'user_disabled' })
    client?.emit('client:force_disconnect', { reason: 'user_disabled' })
    expect(disconnected).toHaveBeenCalledTimes(1)
    expect(disconnected).toHaveBeenCalledWith({ reason: 'removed', raw: { reason: 'user_disabled' } })
  })

  it('a connected call → participant-joined for the others, once, with raw; ended → participant-left and disconnected (room-closed)', async () => {
    const connection = await connected()
    const joined = vi.fn()
    const left = vi.fn()
    const disconnected = vi.fn()
    connection.on('participant-joined', joined).on('participant-left', left).on('disconnected', disconnected)
    const call = joinedCall()
    call.participants = ['alice', 'bob']
    call.change('connected')
    expect(joined).toHaveBeenCalledTimes(1)
    expect(joined).toHaveBeenCalledWith({ participant: { identity: 'bob', role: 'publisher' }, raw: { status: 'connected' } })
    expect(connection.participants()).toEqual([{ identity: 'bob', role: 'publisher' }])
    call.change('ended', 'hang_up')
    expect(left).toHaveBeenCalledTimes(1)
    expect(left.mock.calls[0]?.[0]).toMatchObject({ participant: { identity: 'bob', role: 'publisher' } })
    expect(disconnected).toHaveBeenCalledTimes(1)
    expect(disconnected.mock.calls[0]?.[0]).toMatchObject({ reason: 'room-closed' })
    expect(connection.participants()).toEqual([])
  })

  it('a call answered on another device ends with duplicate-identity', async () => {
    const connection = await connected()
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    joinedCall().change('ended', 'answered_of_another_device')
    expect(disconnected.mock.calls[0]?.[0]).toMatchObject({ reason: 'duplicate-identity' })
  })

  it('participants added to a connected call join, those dropped from it leave', async () => {
    const connection = await connected()
    const events: string[] = []
    connection.on('participant-joined', ({ participant }) => events.push(`+${participant.identity}`))
    connection.on('participant-left', ({ participant }) => events.push(`-${participant.identity}`))
    const call = joinedCall()
    call.participants = ['alice', 'bob', 'carol']
    call.change('connected')
    call.participants = ['alice', 'carol', 'dave']
    sdk.client?.emit('call:status:changed', { call, status: 'connected' })
    expect(events).toEqual(['+bob', '+carol', '-bob', '+dave'])
    await connection.disconnect()
  })

  it('ignores malformed call events', async () => {
    const connection = await connected()
    const joined = vi.fn()
    connection.on('participant-joined', joined)
    sdk.client?.emit('call:status:changed', { call: { roomId: 'r', participants: 'bob' } as unknown as FakeCall, status: 'connected' })
    expect(joined).not.toHaveBeenCalled()
    await connection.disconnect()
  })

  it('emits nothing after disconnect', async () => {
    const connection = await connected()
    const client = sdk.client
    const listener = vi.fn()
    connection.on('disconnected', listener).on('token-expiring', listener)
    await connection.disconnect()
    client?.emit('client:access_token:is_about_to_expire', { expiresAt: '2030-01-01T00:00:00.000Z' })
    client?.emit('client:access_token:expired')
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('updateToken', () => {
  it('hands the new token value to Client.updateAccessToken', async () => {
    const connection = await kaleyra({ sdk }).connect(await issuer.issue('standup', 'alice'), options())
    const fresh = await issuer.issue('standup', 'alice')
    await connection.updateToken(fresh)
    expect(sdk.client?.accessToken).toBe(fresh.value)
    await connection.disconnect()
  })

  it('refuses a token for another identity, and maps a refused token', async () => {
    const connection = await kaleyra({ sdk }).connect(await issuer.issue('standup', 'alice'), options())
    expect((await rejection(connection.updateToken(await issuer.issue('standup', 'mallory')))).code).toBe('INVALID_INPUT')
    const refused: Token = await issuer.issue('standup', 'alice')
    sdk.refusedTokens.add(refused.value)
    expect((await rejection(connection.updateToken(refused))).code).toBe('UNAUTHORIZED')
    await connection.disconnect()
  })
})
