import { createMemoryHub, memory, type MemoryHub } from './index'
import { runClientAdapterSuite, runServerAdapterSuite } from '../index'

const lifecycle = {
  setup: (): MemoryHub => createMemoryHub(),
  teardown: (hub: MemoryHub) => hub.reset(),
}

const tokenFor = async (hub: MemoryHub, room: string, identity: string) => {
  const provider = memory({ hub })
  return provider.issueToken({ room: await provider.ensureRoom({ name: room }), participant: { identity, role: 'publisher' }, ttlSeconds: 600 })
}

runServerAdapterSuite({
  name: 'memory',
  ...lifecycle,
  createAdapter: (hub) => memory({ hub }),
  join: async ({ token }, hub) => {
    const connection = await memory({ hub }).connect(token, { audio: false, video: false, refreshToken: async () => token })
    return { leave: () => connection.disconnect() }
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
        sendData: (data) => connection.sendData(data),
        receivedData: () => received,
      }
    },
  },
})
