import type { DisconnectReason, Participant, Token, TrackKind } from '@callport/core'
import { memory, type MemoryHub } from '../src/memory/index'
import type { ClientAdapterSuiteOptions, RemoteParticipant, ServerAdapterSuiteOptions } from '../src/index'

/**
 * The memory provider's harness for the conformance suites: every back door, through the hub and
 * the memory connection's simulation controls. Shared by the memory suites and the broken-adapter
 * fixtures.
 */
export const memoryTokenFor = async (hub: MemoryHub, room: string, identity: string): Promise<Token> => {
  const provider = memory({ hub })
  return provider.issueToken({ room: await provider.ensureRoom({ name: room }), participant: { identity, role: 'publisher' }, ttlSeconds: 600 })
}

export const memoryRemote: NonNullable<ClientAdapterSuiteOptions<MemoryHub>['remote']> = {
  async join({ room, identity }, hub): Promise<RemoteParticipant> {
    const token = await memoryTokenFor(hub, room, identity)
    const connection = await memory({ hub }).connect(token, { audio: false, video: false, refreshToken: async () => token })
    const received: string[] = []
    connection.on('data-received', ({ data }) => received.push(data))
    return {
      leave: () => connection.disconnect(),
      setCameraEnabled: (enabled) => connection.setCameraEnabled(enabled),
      setCameraMuted: (muted) => connection.setTrackMuted('camera', muted),
      sendData: (data) => connection.sendData(data),
      receivedData: () => received,
      setSpeaking: (level) => connection.setSpeaking(level),
      setConnectionQuality: (quality) => connection.setConnectionQuality(quality),
      updateParticipant: (update) => connection.updateParticipant(update),
      setScreenShareEnabled: (enabled) => connection.setScreenShareEnabled(enabled),
    }
  },
}

export const memoryLocal: NonNullable<ClientAdapterSuiteOptions<MemoryHub>['local']> = {
  deviceId: (kind) => `memory-${kind}-2`,
  async unplugDevice({ kind, deviceId }, hub) {
    hub.unplugDevice(kind, deviceId)
  },
  async setConnectionQuality({ room, identity, quality }, hub) {
    hub.setConnectionQuality(identity, quality, { room })
  },
}

export const memoryModerator: NonNullable<ClientAdapterSuiteOptions<MemoryHub>['moderator']> = {
  async muteParticipant({ room, identity, kind }, hub) {
    const provider = memory({ hub })
    const live = await provider.getRoom({ name: room })
    if (!live) throw new Error(`room ${room} is not live`)
    await provider.muteParticipant({ room: live, identity, kind })
  },
}

export const memoryJoin: NonNullable<ServerAdapterSuiteOptions<MemoryHub>['join']> = async ({ token, publish }, hub) => {
  const connection = await memory({ hub }).connect(token, { audio: publish?.audio ?? false, video: publish?.video ?? false, refreshToken: async () => token })
  let reason: DisconnectReason | undefined
  const muted: TrackKind[] = []
  connection.on('disconnected', (event) => (reason = event.reason))
  const updates: Participant[] = []
  connection.on('muted-by-moderator', ({ kind }) => muted.push(kind))
  connection.on('participant-updated', ({ participant }) => updates.push(participant))
  return { leave: () => connection.disconnect(), disconnectReason: () => reason, mutedByModerator: () => muted, participantUpdates: () => updates }
}
