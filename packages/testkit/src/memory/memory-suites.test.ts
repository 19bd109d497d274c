import { createMemoryHub, memory, memoryWebhookSignatureHeader, type MemoryHub } from './index'
import { runClientAdapterSuite, runServerAdapterSuite } from '../index'

const lifecycle = {
  setup: (): MemoryHub => createMemoryHub(),
  teardown: (hub: MemoryHub) => hub.reset(),
}

const tokenFor = async (hub: MemoryHub, room: string, identity: string) => {
  const provider = memory({ hub })
  return provider.issueToken({ room: await provider.ensureRoom({ name: room }), participant: { identity, role: 'publisher' }, ttlSeconds: 600 })
}

const occurredAt = '2030-01-01T09:00:00.000Z'
const room = { name: 'standup', providerRoomId: 'room_1' }

runServerAdapterSuite({
  name: 'memory',
  ...lifecycle,
  createAdapter: (hub) => memory({ hub }),
  join: async ({ token }, hub) => {
    const connection = await memory({ hub }).connect(token, { audio: false, video: false, refreshToken: async () => token })
    return { leave: () => connection.disconnect() }
  },
  vendor: {
    verifyToken: (token, hub) => hub.acceptsToken(token),
    roomExists: (room, hub) => hub.rooms().some((live) => live.providerRoomId === room.providerRoomId),
    participants: (room, hub) => hub.members(room.name).map((member) => member.identity),
  },
  webhooks: {
    sign: (delivery, hub) => hub.signWebhook(delivery),
    signatureHeader: memoryWebhookSignatureHeader,
    events: [
      {
        body: JSON.stringify({ id: 'evt_1', type: 'room-started', room, occurredAt }),
        expected: { id: 'evt_1', type: 'room-started', room, occurredAt },
      },
      {
        body: JSON.stringify([
          { id: 'evt_2', type: 'participant-joined', room, participant: { identity: 'bob', providerParticipantId: 'participant_1' }, occurredAt },
          { id: 'evt_3', type: 'participant-left', room, participant: { identity: 'bob' }, occurredAt },
        ]),
        expected: [
          { id: 'evt_2', type: 'participant-joined', participant: { identity: 'bob', providerParticipantId: 'participant_1' } },
          { id: 'evt_3', type: 'participant-left', participant: { identity: 'bob' } },
        ],
      },
    ],
  },
})

runClientAdapterSuite({
  name: 'memory',
  ...lifecycle,
  createAdapter: (hub) => memory({ hub }),
  issueToken: ({ room, identity }, hub) => tokenFor(hub, room, identity),
  refusedToken: ({ room, identity }) => tokenFor(createMemoryHub(), room, identity),
  remote: {
    async join({ room, identity }, hub) {
      const token = await tokenFor(hub, room, identity)
      const connection = await memory({ hub }).connect(token, { audio: false, video: false, refreshToken: async () => token })
      const received: string[] = []
      connection.on('data-received', ({ data }) => received.push(data))
      return {
        leave: () => connection.disconnect(),
        setCameraEnabled: (enabled) => connection.setCameraEnabled(enabled),
        setCameraMuted: (muted) => connection.setTrackMuted('camera', muted),
        sendData: (data) => connection.sendData(data),
        receivedData: () => received,
      }
    },
  },
})
