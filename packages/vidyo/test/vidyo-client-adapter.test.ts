import { createHmac } from 'node:crypto'
import type { ClientConnection, ParticipantEvent } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { vidyo, vidyoClientCapabilities, type VidyoClientOptions } from '../src/client/index'
import { vidyoUserNameOf } from '../src/shared/user-name'
import type { FakeVidyoConnector } from './fake-vidyo'
import { account, connectOptions, createHarness, fakeContainer } from './vidyo-harness'
import { rejection } from './rejection'

/** A provision token signed with the account's key for any user name, as a generator without Vidyo's user name rule would make it. */
function signedFor(userName: string): string {
  const expires = String(Math.floor(Date.now() / 1000) + 600 + 62_167_219_200)
  const payload = ['provision', `${userName}@${account.appId}`, expires, ''].join('\0')
  const mac = createHmac('sha384', account.developerKey).update(payload).digest('hex')
  return Buffer.from(`${payload}\0${mac}`, 'utf8').toString('base64')
}

describe('vidyo client adapter', () => {
  const opened: ClientConnection[] = []
  afterEach(async () => {
    for (const connection of opened.splice(0)) await connection.disconnect()
    vi.useRealTimers()
  })

  const setUp = (options: Omit<VidyoClientOptions, 'sdk' | 'vidyoClient'> = {}) => {
    const harness = createHarness()
    const client = harness.cloud.createClient()
    const adapter = vidyo({ ...options, sdk: client })
    const connect = async (...args: Parameters<typeof adapter.connect>): Promise<{ connection: ClientConnection; connector: FakeVidyoConnector }> => {
      const connection = await adapter.connect(...args)
      opened.push(connection)
      const connector = client.connectors.at(-1)
      if (!connector) throw new Error('no connector was created')
      return { connection, connector }
    }
    return { ...harness, client, adapter, connect }
  }

  it('declares a view adapter without updateToken or sendData, with device switching', () => {
    const { adapter } = setUp()
    expect(adapter.provider).toBe('vidyo')
    expect(adapter.capabilities).toEqual({
      media: 'view',
      updateToken: false,
      sendData: false,
      switchDevice: ['camera', 'microphone', 'speaker'],
    })
    expect(adapter.capabilities).toEqual(vidyoClientCapabilities)
  })

  it('renders into the container and connects with host, token, display name and resourceId', async () => {
    const { connect, issue } = setUp({ viewStyle: 'VIDYO_CONNECTORVIEWSTYLE_Tiles', remoteParticipants: 4 })
    const token = await issue('design-review', { identity: 'alice', name: 'Alice', role: 'publisher' })
    const container = fakeContainer('call-view')
    const { connection, connector } = await connect(token, connectOptions({ container }))
    expect(connector.constructOptions).toMatchObject({ viewId: 'call-view', viewStyle: 'VIDYO_CONNECTORVIEWSTYLE_Tiles', remoteParticipants: 4 })
    expect(connector.connectOptions).toMatchObject({ host: account.host, token: token.value, displayName: 'Alice', resourceId: 'designZhreview' })
    expect(connector.connected).toBe(true)
    expect(connection.localParticipant).toEqual({ identity: 'alice', name: 'Alice', role: 'publisher' })
  })

  it('gives a container without an id one, distinct per container', async () => {
    const { connect, issue } = setUp()
    const first = fakeContainer()
    const second = fakeContainer()
    await connect(await issue('standup', 'alice'), connectOptions({ container: first }))
    await connect(await issue('standup', 'bob'), connectOptions({ container: second }))
    expect(first.id).toMatch(/^callport-vidyo-view-/)
    expect(second.id).toMatch(/^callport-vidyo-view-/)
    expect(first.id).not.toBe(second.id)
  })

  it('refuses a missing container, a foreign token and a token without resourceId with INVALID_INPUT', async () => {
    const { adapter, client, issue } = setUp()
    const token = await issue('standup', 'alice')
    expect((await rejection(adapter.connect(token, connectOptions({ container: undefined })))).message).toMatch(/container/)
    expect((await rejection(adapter.connect({ ...token, provider: 'twilio' }, connectOptions()))).code).toBe('INVALID_INPUT')
    const { resourceId: _dropped, ...withoutResourceId } = token.connect
    expect((await rejection(adapter.connect({ ...token, connect: withoutResourceId }, connectOptions()))).code).toBe('INVALID_INPUT')
    expect(client.connectors).toHaveLength(0)
  })

  it('starts with camera and microphone privacy matching the join options, and toggles them', async () => {
    const { connect, issue } = setUp()
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions({ audio: false, video: true }))
    expect({ camera: connector.cameraPrivacy, microphone: connector.microphonePrivacy }).toEqual({ camera: false, microphone: true })
    const connectIndex = connector.calls.findIndex((call) => call.method === 'Connect')
    const privacyIndex = connector.calls.findIndex((call) => call.method === 'SetMicrophonePrivacy')
    expect(privacyIndex).toBeLessThan(connectIndex)
    await connection.setCameraEnabled(false)
    await connection.setMicrophoneEnabled(true)
    expect({ camera: connector.cameraPrivacy, microphone: connector.microphonePrivacy }).toEqual({ camera: true, microphone: false })
  })

  it('reports a privacy change VidyoConnector refuses as PROVIDER_REJECTED', async () => {
    const { connect, issue } = setUp()
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions())
    connector.refusePrivacy = true
    expect((await rejection(connection.setCameraEnabled(false))).code).toBe('PROVIDER_REJECTED')
  })

  it('maps InvalidToken to UNAUTHORIZED while the token is valid, TOKEN_EXPIRED once it has expired', async () => {
    const { adapter, issue, server } = setUp()
    const token = await issue('standup', 'alice')
    const forged = { ...token, value: Buffer.from(['provision', 'alice@callport.vidyo.io', '99999999999', '', 'a'.repeat(96)].join('\0')).toString('base64') }
    const refused = await rejection(adapter.connect(forged, connectOptions()))
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', provider: 'vidyo', details: { vidyoReason: 'VIDYO_CONNECTORFAILREASON_InvalidToken' } })

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const shortLived = await server.issueToken({ room: await server.ensureRoom({ name: 'standup' }), participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 })
    vi.setSystemTime(Date.parse(shortLived.expiresAt) + 1000)
    expect((await rejection(adapter.connect(shortLived, connectOptions()))).code).toBe('TOKEN_EXPIRED')
  })

  it('maps other onFailure reasons through the reason table, keeping the vendor reason', async () => {
    const { adapter, client, issue } = setUp()
    const token = await issue('standup', 'alice')
    client.prepare = (connector) => {
      connector.nextConnect = { failure: 'VIDYO_CONNECTORFAILREASON_ResourceFull' }
    }
    const error = await rejection(adapter.connect(token, connectOptions()))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: true, details: { vidyoReason: 'VIDYO_CONNECTORFAILREASON_ResourceFull' } })
  })

  it('reports CONNECTION_FAILED when Connect does not start, or CreateVidyoConnector fails', async () => {
    const { adapter, client, issue } = setUp()
    const token = await issue('standup', 'alice')
    client.prepare = (connector) => {
      connector.nextConnect = { startsConnecting: false }
    }
    expect((await rejection(adapter.connect(token, connectOptions()))).code).toBe('CONNECTION_FAILED')
    client.failNextCreate = new Error('no renderer')
    const created = await rejection(adapter.connect(token, connectOptions()))
    expect(created).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
  })

  it.each(['hang', 'stall'] as const)('rejects with ABORTED and disconnects when aborted while connecting (Connect %ss)', async (plan) => {
    const { adapter, client, issue } = setUp()
    const token = await issue('standup', 'alice')
    const controller = new AbortController()
    client.prepare = (connector) => {
      connector.nextConnect = { [plan]: true }
    }
    const attempt = adapter.connect(token, connectOptions({ signal: controller.signal }))
    await vi.waitFor(() => expect(client.connectors[0]!.calls.map((call) => call.method)).toContain('Connect'))
    controller.abort()
    expect((await rejection(attempt)).code).toBe('ABORTED')
    expect(client.connectors[0]!.calls.map((call) => call.method)).toContain('Disconnect')
  })

  it('emits participant-joined and participant-left with the vendor payload as raw', async () => {
    const { cloud, connect, issue } = setUp()
    const { connection } = await connect(await issue('standup', 'alice'), connectOptions())
    const joined = waitForEvent(connection, 'participant-joined')
    const remote = cloud.joinRemote('standup', 'bob', 'Bob')
    const [{ participant, raw }] = await joined
    expect(participant).toEqual({ identity: 'bob', name: 'Bob', role: 'publisher', providerParticipantId: remote.participant.id })
    expect(raw).toBe(remote.participant)
    expect(connection.participants()).toEqual([participant])
    const left = waitForEvent(connection, 'participant-left')
    await remote.leave()
    const [gone] = await left
    expect(gone.participant.identity).toBe('bob')
    expect(gone.raw).toBe(remote.participant)
    expect(connection.participants()).toEqual([])
  })

  it('sees participants already in the room, once each', async () => {
    const { cloud, connect, issue } = setUp()
    const remote = cloud.joinRemote('standup', 'carol')
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions())
    await vi.waitFor(() => expect(connection.participants().map((participant) => participant.identity)).toEqual(['carol']))
    connector.participantListener?.onJoined(remote.participant)
    expect(connection.participants()).toHaveLength(1)
  })

  it('adds participants named by onDynamicChanged, and passes loudest and dynamic changes to the callbacks', async () => {
    const onLoudestParticipantChanged = vi.fn()
    const onDynamicParticipantsChanged = vi.fn()
    const { connect, issue } = setUp({ onLoudestParticipantChanged, onDynamicParticipantsChanged })
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions())
    const dave = { id: 'p-dave', name: 'Dave', userId: 'dave@callport.vidyo.io' }
    const joined = vi.fn<(event: ParticipantEvent) => void>()
    connection.on('participant-joined', joined)
    connector.participantListener?.onDynamicChanged([dave, { broken: true } as never], [])
    expect(joined).toHaveBeenCalledTimes(1)
    expect(onDynamicParticipantsChanged).toHaveBeenCalledWith({
      participants: [expect.objectContaining({ identity: 'dave' })],
      raw: { participants: [dave, { broken: true }], cameras: [] },
    })
    connector.participantListener?.onLoudestChanged(dave, true)
    expect(onLoudestParticipantChanged).toHaveBeenCalledWith({
      participant: expect.objectContaining({ identity: 'dave', providerParticipantId: 'p-dave' }),
      audioOnly: true,
      raw: { participant: dave, audioOnly: true },
    })
  })

  it('does not declare activeSpeakers, and emits no active-speakers-changed for onLoudestChanged (Vidyo never reports silence)', async () => {
    const { cloud, connect, issue } = setUp()
    const carol = cloud.joinRemote('standup', 'carol')
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions())
    await vi.waitFor(() => expect(connection.participants()).toHaveLength(1))
    const changed = vi.fn()
    connection.on('active-speakers-changed', changed)
    connector.participantListener?.onLoudestChanged(carol.participant, false)
    expect(changed).not.toHaveBeenCalled()
    expect(vidyo().capabilities).not.toHaveProperty('activeSpeakers')
  })

  it('connection.vendor is the VidyoConnector the call runs on', async () => {
    const { connect, issue } = setUp()
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions())
    expect(connection.vendor).toBe(connector)
  })

  it('turns ConnectionLost into disconnected "connection-lost" (the session reconnects), Booted into "removed"', async () => {
    const { connect, issue } = setUp()
    const first = await connect(await issue('standup', 'alice'), connectOptions())
    const lost = waitForEvent(first.connection, 'disconnected')
    first.connector.drop('VIDYO_CONNECTORDISCONNECTREASON_ConnectionLost')
    const [event] = await lost
    expect(event).toMatchObject({ reason: 'connection-lost', raw: 'VIDYO_CONNECTORDISCONNECTREASON_ConnectionLost' })
    expect(event.error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })

    const second = await connect(await issue('standup', 'bob'), connectOptions())
    const booted = waitForEvent(second.connection, 'disconnected')
    second.connector.drop('VIDYO_CONNECTORDISCONNECTREASON_Booted')
    expect((await booted)[0]).toMatchObject({ reason: 'removed', error: { code: 'FORBIDDEN' } })
  })

  it("relays Vidyo's own reconnection as reconnecting (with Vidyo's attempt number) and reconnected", async () => {
    const { connect, issue } = setUp()
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions())
    const reconnecting = waitForEvent(connection, 'reconnecting')
    connector.reconnectListener?.onReconnecting(2, 5000, 'VIDYO_CONNECTORFAILREASON_ConnectionLost')
    expect((await reconnecting)[0]).toEqual({
      attempt: 2,
      reason: 'connection-lost',
      raw: { attempt: 2, attemptTimeout: 5000, lastReason: 'VIDYO_CONNECTORFAILREASON_ConnectionLost' },
    })
    const unnumbered = waitForEvent(connection, 'reconnecting')
    connector.reconnectListener?.onReconnecting(Number.NaN, 5000, 'VIDYO_CONNECTORFAILREASON_ConnectionLost')
    expect((await unnumbered)[0].attempt).toBe(0)
    const reconnected = waitForEvent(connection, 'reconnected')
    connector.reconnectListener?.onReconnected()
    await reconnected
  })

  it('keeps the call when the token expires: nothing happens at expiresAt', async () => {
    const { connect, server } = setUp()
    const token = await server.issueToken({ room: await server.ensureRoom({ name: 'standup' }), participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 })
    const { connection, connector } = await connect(token, connectOptions())
    const events = vi.fn()
    for (const name of ['disconnected', 'token-expiring', 'reconnecting'] as const) connection.on(name, events)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(token.expiresAt) + 60_000 })
    await connection.setCameraEnabled(false)
    expect(events).not.toHaveBeenCalled()
    expect(connector.connected).toBe(true)
    expect(connection.updateToken).toBeUndefined()
  })

  it('leaves with Disconnect, once, without a disconnected event; toggles after leaving fail', async () => {
    const { connect, issue } = setUp()
    const { connection, connector } = await connect(await issue('standup', 'alice'), connectOptions())
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    vi.useFakeTimers()
    await connection.disconnect()
    await connection.disconnect()
    // The fake calls onDisconnected on a timer, as the SDK does: run it.
    await vi.runAllTimersAsync()
    expect(connector.calls.filter((call) => call.method === 'Disconnect')).toHaveLength(1)
    expect(connector.connected).toBe(false)
    expect(disconnected).not.toHaveBeenCalled()
    expect((await rejection(connection.setMicrophoneEnabled(true))).code).toBe('CONNECTION_FAILED')
  })

  it("reuses the container's connector for the next connection (a reconnection), registering its listeners once", async () => {
    const { client, cloud, connect, issue } = setUp()
    const container = fakeContainer('call')
    const first = await connect(await issue('standup', 'alice'), connectOptions({ container }))
    const lost = waitForEvent(first.connection, 'disconnected')
    first.connector.drop('VIDYO_CONNECTORDISCONNECTREASON_ConnectionLost')
    await lost
    const second = await connect(await issue('standup', 'alice'), connectOptions({ container }))
    expect(second.connector).toBe(first.connector)
    expect(client.connectors).toHaveLength(1)
    expect(first.connector.calls.filter((call) => call.method === 'RegisterParticipantEventListener')).toHaveLength(1)
    const seenByFirst = vi.fn()
    first.connection.on('participant-joined', seenByFirst)
    const joined = waitForEvent(second.connection, 'participant-joined')
    cloud.joinRemote('standup', 'bob')
    expect((await joined)[0].participant.identity).toBe('bob')
    expect(seenByFirst).not.toHaveBeenCalled()
  })

  it('refuses a second call in a container that shows one, leaving the first alone', async () => {
    const { adapter, connect, issue } = setUp()
    const container = fakeContainer('call')
    const { connector } = await connect(await issue('standup', 'alice'), connectOptions({ container }))
    const error = await rejection(adapter.connect(await issue('standup', 'bob'), connectOptions({ container })))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('#call')
    expect(connector.connected).toBe(true)
    expect(connector.calls.filter((call) => call.method === 'Disconnect')).toHaveLength(0)
  })

  it('reports a refused listener registration as CONNECTION_FAILED, and makes a new connector next time', async () => {
    const { adapter, client, issue } = setUp()
    client.prepare = (connector) => {
      connector.RegisterParticipantEventListener = async () => false
    }
    const container = fakeContainer('call')
    expect((await rejection(adapter.connect(await issue('standup', 'alice'), connectOptions({ container })))).code).toBe('CONNECTION_FAILED')
    client.prepare = undefined
    const connection = await adapter.connect(await issue('standup', 'alice'), connectOptions({ container }))
    opened.push(connection)
    expect(client.connectors).toHaveLength(2)
    expect(client.connectors[1]?.connected).toBe(true)
  })

  it('refuses invalid options', () => {
    expect(() => vidyo({ remoteParticipants: -1 })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error)
    expect(() => vidyo({ loadTimeoutMilliseconds: 0 })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error)
    expect(() => vidyo({ sdk: {} as never })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('sdk') }) as Error)
  })

  it('refuses unknown options, naming the closest known one', () => {
    expect(() => vidyo({ scriptURL: '/VidyoClient.js' } as VidyoClientOptions)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', provider: 'vidyo', message: expect.stringContaining('did you mean "scriptUrl"') }) as Error,
    )
  })

  it('still takes the SDK under its deprecated name vidyoClient, but not under both names', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    const connection = await vidyo({ vidyoClient: client }).connect(await issue('standup', 'alice'), connectOptions())
    opened.push(connection)
    expect(client.connectors[0]?.connected).toBe(true)
    expect(() => vidyo({ sdk: client, vidyoClient: cloud.createClient() })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error)
  })

  describe('identities that are not Vidyo user names', () => {
    const identities = ['alice.smith', 'Alice Smith', '3f2b8c1e-9d4a-4c7b-8e21-5a6f0d9c2b7e', 'zoë', 'ada@example.com', 'Zed']

    it('the fake refuses a token whose user name is not letters and digits, as Vidyo does', async () => {
      const { adapter, issue } = setUp()
      const token = await issue('standup', 'alice')
      for (const userName of ['alice.smith', 'Alice Smith', 'zoë']) {
        const error = await rejection(adapter.connect({ ...token, value: signedFor(userName) }, connectOptions()))
        expect(error).toMatchObject({ code: 'UNAUTHORIZED', details: { vidyoReason: 'VIDYO_CONNECTORFAILREASON_InvalidToken' } })
      }
      expect(() => createHarness().cloud.joinRemote('standup', 'alice.smith')).toThrow(/letters and digits/)
    })

    it.each(identities)('joins as %s, and keeps that identity locally', async (identity) => {
      const { connect, issue } = setUp()
      const { connection, connector } = await connect(await issue('standup', identity), connectOptions())
      expect(connector.connected).toBe(true)
      expect(connection.localParticipant.identity).toBe(identity)
    })

    it.each(identities)('shows a remote %s with that identity, decoded from the Vidyo user name', async (identity) => {
      const { cloud, connect, issue } = setUp()
      const { connection } = await connect(await issue('standup', 'alice'), connectOptions())
      const joined = waitForEvent(connection, 'participant-joined')
      cloud.joinRemote('standup', vidyoUserNameOf(identity), 'Remote')
      expect((await joined)[0].participant.identity).toBe(identity)
      expect(connection.participants().map((participant) => participant.identity)).toEqual([identity])
    })

    it('keeps a user name another system issued as the identity', async () => {
      const { cloud, connect, issue } = setUp()
      const { connection } = await connect(await issue('standup', 'alice'), connectOptions())
      const joined = waitForEvent(connection, 'participant-joined')
      cloud.joinRemote('standup', 'Zq7')
      expect((await joined)[0].participant.identity).toBe('Zq7')
    })
  })
})
