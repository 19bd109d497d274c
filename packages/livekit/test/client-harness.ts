import type { ConnectionQuality, Metadata, Token, TrackKind } from '@callport/core'
import { createFakeMediaDevices, type FakeMediaStreamTrack } from '@callport/test-environment'
import { ConnectionQuality as LiveKitConnectionQuality, ConnectionState, RoomEvent } from 'livekit-client'
import { RoomServiceClient } from 'livekit-server-sdk'
import { vi } from 'vitest'
import { livekit } from '../src/server/index'
import { FakeLiveKit } from './fake-livekit'
import { createFakeLiveKitClient, type FakeLocalTrack, type FakeRoom } from './fake-livekit-client'

/** Test credentials, shaped like LiveKit's (an `API…` key, a secret of 32 characters or more). */
export const credentials = { apiKey: 'APIclientharness', apiSecret: 'client-harness-secret-0123456789-abcdef' } as const

/** livekit-client's ConnectionQuality for each of Callport's. */
export const liveKitQualityOf: Readonly<Record<ConnectionQuality, LiveKitConnectionQuality>> = {
  excellent: LiveKitConnectionQuality.Excellent,
  good: LiveKitConnectionQuality.Good,
  poor: LiveKitConnectionQuality.Poor,
  lost: LiveKitConnectionQuality.Lost,
}

/** A fake LiveKit cloud, started (its Twirp RoomService on a local port) and stopped by the test file. */
export const createCloud = (): FakeLiveKit => new FakeLiveKit(credentials.apiKey, credentials.apiSecret)

/**
 * For client tests: the fake livekit-client over a (started) fake cloud, the browser's capture faked
 * (`navigator.mediaDevices`, reached by the fake SDK's getUserMedia / getDisplayMedia), and real
 * LiveKit access tokens from the server half (issuing needs no RoomService call).
 */
export function createClientHarness(cloud: FakeLiveKit) {
  cloud.reset()
  const sdk = createFakeLiveKitClient(cloud)
  const media = createFakeMediaDevices()
  vi.stubGlobal('navigator', { mediaDevices: media })
  const settings = { ...credentials, url: cloud.url, retry: { limit: 0 }, environmentVariables: {} }
  const server = livekit(settings)
  const wrongSecret = livekit({ ...settings, apiSecret: 'a-secret-livekit-does-not-know-0123456789' })

  /** The cloud's room as Callport names it (its `sid` once someone joined or it was created). */
  const callportRoom = (room: string) => ({ name: room, provider: 'livekit', providerRoomId: cloud.rooms.get(room)?.sid ?? 'RM_unknown' })

  const issue = (room: string, identity: string, adapter = server): Promise<Token> =>
    adapter.issueToken({ room: callportRoom(room), participant: { identity, role: 'publisher' }, ttlSeconds: 600 })

  /** Someone else in `room`, connected with the fake livekit-client directly as another page would be, with back doors. */
  async function joinRemote(room: string, identity: string) {
    const token = await issue(room, identity)
    const remote: FakeRoom = new sdk.Room()
    const received: string[] = []
    remote.on(RoomEvent.DataReceived, (payload: Uint8Array) => received.push(new TextDecoder().decode(payload)))
    await remote.connect(token.connect.url as string, token.value)
    let camera: FakeLocalTrack | undefined
    return {
      room: remote,
      received,
      receivedData: (): readonly string[] => received,
      leave: () => remote.disconnect(),
      /** Publishes a camera (livekit-client's capture), or unpublishes it (LiveKit's `setCameraEnabled(false)` would only mute it). */
      async setCameraEnabled(enabled: boolean) {
        if (enabled) camera = (await remote.localParticipant.setCameraEnabled(true))?.track
        else if (camera) await remote.localParticipant.unpublishTrack(camera)
      },
      /** Mutes or unmutes the published camera, keeping it published (livekit-client's `setCameraEnabled(false / true)`). */
      async setCameraMuted(muted: boolean) {
        await remote.localParticipant.setCameraEnabled(!muted)
      },
      async setMicrophoneEnabled(enabled: boolean) {
        await remote.localParticipant.setMicrophoneEnabled(enabled)
      },
      async sendData(message: string, destinationIdentities?: string[]) {
        await remote.localParticipant.publishData(new TextEncoder().encode(message), { reliable: true, ...(destinationIdentities && { destinationIdentities }) })
      },
      /** LiveKit's speaker detection hears this participant at `level` (0: silent). */
      async setSpeaking(level: number) {
        cloud.setSpeaking(room, identity, level)
      },
      /** LiveKit scores this participant's connection. */
      async setConnectionQuality(quality: ConnectionQuality) {
        cloud.setConnectionQuality(room, identity, liveKitQualityOf[quality])
      },
      /** RoomService UpdateParticipant, sent by livekit-server-sdk (metadata as Callport writes it: JSON). */
      async updateParticipant(update: { name?: string; metadata?: Metadata }) {
        await new RoomServiceClient(cloud.url, credentials.apiKey, credentials.apiSecret).updateParticipant(room, identity, {
          ...(update.name !== undefined && { name: update.name }),
          ...(update.metadata !== undefined && { metadata: JSON.stringify(update.metadata) }),
        })
      },
      async setScreenShareEnabled(enabled: boolean) {
        await remote.localParticipant.setScreenShareEnabled(enabled)
      },
    }
  }

  /** The connected fake Room of `identity` in `room` (the one the adapter under test made). */
  const roomOf = (room: string, identity: string): FakeRoom | undefined =>
    sdk.rooms.findLast((candidate) => candidate.name === room && candidate.localParticipant.identity === identity && candidate.state !== ConnectionState.Disconnected)

  /** The MediaStreamTrack `identity` publishes in `room` that captures from `deviceId`. */
  const publishedFrom = (room: string, identity: string, deviceId: string): FakeMediaStreamTrack | undefined => {
    const publications = roomOf(room, identity)?.localParticipant.getTrackPublications() ?? []
    const found = publications.find((publication) => publication.track?.mediaStreamTrack.getSettings().deviceId === deviceId)
    return found?.track?.mediaStreamTrack as unknown as FakeMediaStreamTrack | undefined
  }

  /** The browser loses the device: it leaves the list, and the MediaStreamTrack `identity` publishes from it ends (as a browser ends it). */
  const unplugDevice = (room: string, identity: string, deviceId: string): void => {
    media.devices = media.devices.filter((device) => device.deviceId !== deviceId)
    const track = publishedFrom(room, identity, deviceId)
    if (!track) throw new Error(`nothing of ${identity} in ${room} captures from ${deviceId}`)
    track.unplug()
  }

  return {
    cloud,
    sdk,
    media,
    server,
    issue,
    joinRemote,
    roomOf,
    publishedFrom,
    unplugDevice,
    callportRoom,
    refused: (room: string, identity: string) => issue(room, identity, wrongSecret),
    /** The server half mutes `identity`'s published tracks of `kind` (RoomService MutePublishedTrack). */
    muteParticipant: (room: string, identity: string, kind: TrackKind) => server.muteParticipant!({ room: callportRoom(room), identity, kind }),
    /** The server half removes `identity` (RoomService RemoveParticipant). */
    removeParticipant: (room: string, identity: string) => server.removeParticipant!({ room: callportRoom(room), identity }),
  }
}

export type ClientHarness = ReturnType<typeof createClientHarness>
export type RemoteHandle = Awaited<ReturnType<ClientHarness['joinRemote']>>
