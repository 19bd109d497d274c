import { createMemoryHub, memory, memoryWebhookSignatureHeader, type MemoryHub } from './index'
import { runClientAdapterSuite, runServerAdapterSuite } from '../index'
import { memoryJoin, memoryTokenFor, memoryLocal, memoryModerator, memoryRemote } from '../../test/memory-harness'

const lifecycle = {
  setup: (): MemoryHub => createMemoryHub(),
  teardown: (hub: MemoryHub) => hub.reset(),
}

const occurredAt = '2030-01-01T09:00:00.000Z'
const room = { name: 'standup', providerRoomId: 'room_1' }

runServerAdapterSuite({
  name: 'memory',
  ...lifecycle,
  createAdapter: (hub) => memory({ hub }),
  join: memoryJoin,
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
  issueToken: ({ room, identity }, hub) => memoryTokenFor(hub, room, identity),
  refusedToken: ({ room, identity }) => memoryTokenFor(createMemoryHub(), room, identity),
  remote: memoryRemote,
  local: memoryLocal,
  moderator: memoryModerator,
})
