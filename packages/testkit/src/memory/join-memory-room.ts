import type { Participant } from '@callport/core'
import type { MemoryHub } from './hub'
import type { MemoryConnection } from './memory-connection'
import { memory } from './memory-provider'

export interface JoinMemoryRoomOptions {
  /** The hub to join on; the process-wide default hub when absent. */
  hub?: MemoryHub
  /** App room name; the room is created when it is not live. */
  room: string
  /** Who joins: an identity, or a whole participant (role `publisher` by default). */
  participant: string | Participant
  /** Token lifetime. Default 3600. */
  ttlSeconds?: number
  /** Publish a synthetic microphone at once. Default false. */
  audio?: boolean
  /** Publish a synthetic camera at once. Default false. */
  video?: boolean
}

/**
 * Puts a participant into a memory room with no server and no session around it: the "other
 * person" of a unit test. Returns its connection (disconnect it to leave).
 */
export async function joinMemoryRoom(options: JoinMemoryRoomOptions): Promise<MemoryConnection> {
  const provider = memory(options.hub ? { hub: options.hub } : {})
  const participant: Participant = typeof options.participant === 'string' ? { identity: options.participant, role: 'publisher' } : options.participant
  const ttlSeconds = options.ttlSeconds ?? 3600
  const issue = async () => provider.issueToken({ room: await provider.ensureRoom({ name: options.room }), participant, ttlSeconds })
  return provider.connect(await issue(), { audio: options.audio ?? false, video: options.video ?? false, refreshToken: issue })
}
