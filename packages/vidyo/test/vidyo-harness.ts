import type { ConnectOptions, Participant, Token } from '@callport/core'
import { vidyo as vidyoServer } from '../src/server/index'
import { FakeVidyoCloud } from './fake-vidyo'

export const account = { developerKey: 'test-developer-key', appId: 'callport.vidyo.io', host: 'fake.vidyo.test' }

/** A fake Vidyo cloud, and tokens from the real server half signed for it. */
export function createHarness() {
  const cloud = new FakeVidyoCloud(account)
  const server = vidyoServer(account)
  const issue = async (room: string, participant: Participant | string, ttlSeconds = 600): Promise<Token> => {
    const who: Participant = typeof participant === 'string' ? { identity: participant, role: 'publisher' } : participant
    return server.issueToken({ room: await server.ensureRoom({ name: room }), participant: who, ttlSeconds })
  }
  return { cloud, server, issue }
}

/** Just what VidyoConnector needs of the container element: an id. */
export const fakeContainer = (id = ''): HTMLElement => ({ id }) as HTMLElement

export const connectOptions = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  audio: true,
  video: true,
  container: fakeContainer(),
  refreshToken: () => Promise.reject(new Error('not used')),
  ...extra,
})
