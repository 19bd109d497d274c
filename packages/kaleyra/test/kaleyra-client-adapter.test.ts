import type { ConnectOptions, Token } from '@callport/core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { kaleyra } from '../src/client/index'
import { FakeBandyerSdk, installPage, type FakeCallData } from './fake-widget'
import { createTokenIssuer } from './tokens'
import { rejection } from './rejection'

const issuer = createTokenIssuer()
beforeAll(() => issuer.listen())
afterAll(() => issuer.close())

let sdk: FakeBandyerSdk
let uninstallPage: () => void
beforeEach(() => {
  sdk = new FakeBandyerSdk()
  // The widget's refused links reach the page as unhandled rejections (window `unhandledrejection`).
  uninstallPage = installPage()
})
afterEach(() => {
  uninstallPage()
  vi.useRealTimers()
})

const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  audio: true,
  video: true,
  refreshToken: () => Promise.reject(new Error('not used')),
  ...extra,
})

/** A call with data, as widget 2.7.5 builds for an incoming call (`ON_CALL_INCOMING`). */
const callData = (participants: string[], status: FakeCallData['callStatus'] = 'connecting'): FakeCallData => ({
  callAlias: 'room_incoming',
  callParticipants: participants.map((userAlias) => ({ user: { userAlias } })),
  callDirection: 'call_direction_incoming',
  callStatus: status,
})

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

  it('exposes the widget client it logged in with as vendor (the escape hatch)', async () => {
    const token = await issuer.issue('standup', 'alice')
    const connection = await kaleyra({ sdk }).connect(token, options())
    expect(connection.vendor).toBe(sdk.client)
    expect(sdk.client?.accessToken).toBe(token.value)
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

  it.each([
    ['invalid_token', 'ROOM_NOT_FOUND'],
    ['invalid_url', 'ROOM_NOT_FOUND'],
    ['user_not_associated_to_link', 'FORBIDDEN'],
  ] as const)(
    'a link refused while connected (%s: widget 2.7.5 shows an error view, joinCallURL resolves, the page gets an unhandled rejection) → %s, and the client is destroyed',
    async (vendorError, code) => {
      const token = await issuer.issue('standup', 'alice')
      sdk.refusedLinks.set(String(token.connect.roomUrl), vendorError)
      const error = await rejection(kaleyra({ sdk }).connect(token, options()))
      expect(error).toMatchObject({ code, provider: 'kaleyra', details: { vendorError } })
      expect(sdk.client).toBeUndefined()
    },
  )

  it('joinCallURL resolves on a call built from nothing (its roomId and participants getters throw): connect never reads them, and names the room from the token', async () => {
    const token = await issuer.issue('standup', 'alice')
    const connection = await kaleyra({ sdk }).connect(token, options())
    const call = sdk.client?.callView?.call
    expect(() => call?.roomId).toThrow(TypeError)
    expect(() => call?.participants).toThrow(TypeError)
    expect(call?.status).toBe('ended')
    expect(connection.kaleyraRoomId).toBe(token.connect.kaleyraRoomId)
    expect(connection.kaleyraRoomId).toBe(token.providerRoomId)
    await connection.disconnect()
  })

  it('the widget reports no link error and no call within joinConfirmationWindow: the join counts as done; a link error reported later ends the connection (join-failed)', async () => {
    vi.useFakeTimers()
    sdk.joinAnnouncement = 'none'
    const token = await issuer.issue('standup', 'alice')
    const connecting = kaleyra({ sdk, joinConfirmationWindow: 5_000 }).connect(token, options())
    let settled = false
    void connecting.finally(() => (settled = true))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const connection = await connecting
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    const { reportUnhandledRejection, WidgetError } = await import('./fake-widget')
    reportUnhandledRejection(new WidgetError('invalid_token', 'Invalid token'))
    expect(disconnected).toHaveBeenCalledWith({ reason: 'join-failed', raw: expect.objectContaining({ code: 'invalid_token' }) })
    await vi.waitFor(() => expect(sdk.client).toBeUndefined())
  })

  it('ignores unhandled rejections of the page that are no Kaleyra link error', async () => {
    vi.useFakeTimers()
    sdk.joinAnnouncement = 'none'
    const token = await issuer.issue('standup', 'alice')
    const connecting = kaleyra({ sdk, joinConfirmationWindow: 1_000 }).connect(token, options())
    const { reportUnhandledRejection } = await import('./fake-widget')
    reportUnhandledRejection(new Error('someone else'))
    await vi.advanceTimersByTimeAsync(1_000)
    const connection = await connecting
    await connection.disconnect()
  })

  it('refuses a negative joinConfirmationWindow', () => {
    expect(() => kaleyra({ sdk, joinConfirmationWindow: -1 })).toThrow(/joinConfirmationWindow/)
  })

  it('reports a widget client it did not create (client_already_exists, thrown synchronously) as CONNECTION_FAILED, and leaves it alone', async () => {
    const foreign = await sdk.configure({ appId: 'a', region: 'eu', environment: 'sandbox' })
    expect(() => sdk.configure({ appId: 'a', region: 'eu', environment: 'sandbox' })).toThrow('A client exists already')
    const error = await rejection(kaleyra({ sdk }).connect(await issuer.issue('standup', 'alice'), options()))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', details: { vendorError: 'client_already_exists' } })
    expect(sdk.client).toBe(foreign)
  })

  it('a third participant refused by the widget (join_url_mtm, reported to the page only): ROOM_FULL saying a call takes two, and the client is destroyed', async () => {
    const token = await issuer.issue('standup', 'alice')
    sdk.manyToManyLinks.add(String(token.connect.roomUrl))
    const error = await rejection(kaleyra({ sdk }).connect(token, options()))
    expect(error).toMatchObject({ code: 'ROOM_FULL', provider: 'kaleyra', details: { vendorError: 'join_url_mtm' } })
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

describe('abort while waiting for the widget to confirm the join', () => {
  it('ABORTED at once, and the widget client is destroyed without waiting for the window', async () => {
    vi.useFakeTimers()
    sdk.joinAnnouncement = 'none'
    const controller = new AbortController()
    const connecting = kaleyra({ sdk, joinConfirmationWindow: 60_000 }).connect(await issuer.issue('standup', 'alice'), options({ signal: controller.signal }))
    await vi.advanceTimersByTimeAsync(10)
    controller.abort()
    expect((await rejection(connecting)).code).toBe('ABORTED')
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

  /** Logged in without a room link, so calls come to the widget as in 2.7.5's incoming path. */
  async function loggedIn(identity = 'alice') {
    const token = await issuer.issue('standup', identity)
    const { roomUrl: _dropped, ...connect } = token.connect
    return kaleyra({ sdk }).connect({ ...token, connect }, options())
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

  it('access_token_expired (widget 2.7.5 disconnects itself, then emits): disconnected (token-expired), and the client is still destroyed although Client.disconnect now fails', async () => {
    const connection = await connected()
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    await sdk.client?.expireToken({ message: 'access_token_expired' })
    expect(disconnected).toHaveBeenCalledWith({ reason: 'token-expired', raw: { message: 'access_token_expired' } })
    await vi.waitFor(() => expect(sdk.client).toBeUndefined())
    expect(sdk.calls.slice(-3)).toEqual(['disconnect (by the widget)', 'disconnect', 'destroyClient'])
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

  it('status changes of the call joined by link never throw into the widget (its handler runs to the end); ended → disconnected (room-closed)', async () => {
    const connection = await connected()
    const disconnected = vi.fn()
    const joined = vi.fn()
    connection.on('disconnected', disconnected).on('participant-joined', joined)
    const client = sdk.client
    expect(() => client?.switchboardStatus('connected')).not.toThrow()
    // The call cannot tell its participants: no participant events, no guess.
    expect(joined).not.toHaveBeenCalled()
    expect(() => client?.switchboardStatus('ended')).not.toThrow()
    // The widget's handler reached its last step: it forgot the CallView.
    expect(client?.callView).toBeNull()
    expect(disconnected).toHaveBeenCalledTimes(1)
    expect(disconnected.mock.calls[0]?.[0]).toMatchObject({ reason: 'room-closed' })
  })

  it('the joined call ending while joining: CONNECTION_FAILED', async () => {
    sdk.joinAnnouncement = 'ended'
    const error = await rejection(kaleyra({ sdk }).connect(await issuer.issue('standup', 'alice'), options()))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', provider: 'kaleyra' })
    expect(sdk.client).toBeUndefined()
  })

  it('a call whose data the widget has (an incoming call) → participant-joined for the others, once, with raw; ended → participant-left', async () => {
    const connection = await loggedIn()
    const joined = vi.fn()
    const left = vi.fn()
    const disconnected = vi.fn()
    connection.on('participant-joined', joined).on('participant-left', left).on('disconnected', disconnected)
    const client = sdk.client
    client?.receiveCall(callData(['alice', 'bob']))
    client?.switchboardStatus('connected')
    expect(joined).toHaveBeenCalledTimes(1)
    // The client's `call:status:changed` ({call, status}) comes first; the call's own `{status}` repeats it.
    expect(joined).toHaveBeenCalledWith({ participant: { identity: 'bob', role: 'publisher' }, raw: expect.objectContaining({ status: 'connected' }) })
    expect(connection.participants()).toEqual([{ identity: 'bob', role: 'publisher' }])
    client?.switchboardStatus('ended')
    expect(left).toHaveBeenCalledTimes(1)
    expect(left.mock.calls[0]?.[0]).toMatchObject({ participant: { identity: 'bob', role: 'publisher' } })
    // Not the call this connection joined: the connection stays.
    expect(disconnected).not.toHaveBeenCalled()
    expect(connection.participants()).toEqual([])
    await connection.disconnect()
  })

  it('participants added to a connected call join, those dropped from it leave', async () => {
    const connection = await loggedIn()
    const events: string[] = []
    connection.on('participant-joined', ({ participant }) => events.push(`+${participant.identity}`))
    connection.on('participant-left', ({ participant }) => events.push(`-${participant.identity}`))
    const client = sdk.client
    client?.receiveCall(callData(['alice', 'bob', 'carol']))
    client?.switchboardStatus('connected')
    if (sdk.callData) sdk.callData.callParticipants = ['alice', 'carol', 'dave'].map((userAlias) => ({ user: { userAlias } }))
    client?.switchboardStatus('connected')
    expect(events).toEqual(['+bob', '+carol', '-bob', '+dave'])
    await connection.disconnect()
  })

  it('ignores malformed call events, and never throws into the widget', async () => {
    const connection = await connected()
    const joined = vi.fn()
    connection.on('participant-joined', joined)
    const hostile = {
      get participants(): string[] {
        throw new TypeError('boom')
      },
    }
    expect(() => sdk.client?.emit('call:status:changed', { call: hostile as never, status: 'connected' })).not.toThrow()
    expect(() => sdk.client?.emit('call:status:changed', { call: { participants: 'bob' } as never, status: 'connected' })).not.toThrow()
    expect(() => sdk.client?.emit('call:status:changed', { call: null as never, status: 'weird' as never })).not.toThrow()
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
