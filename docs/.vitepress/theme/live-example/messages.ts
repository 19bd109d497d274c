import type { ConnectionState } from '@callport/core'

/** Marks the messages the live example's page and its frames exchange with `postMessage`. */
export const LIVE_EXAMPLE_MESSAGE = 'callport-live-example'

/** Page → frame: join or leave the call. */
export interface FrameCommand {
  type: typeof LIVE_EXAMPLE_MESSAGE
  action: 'join' | 'leave'
}

/** Frame → page: where the frame's session is. */
export interface FrameStatus {
  type: typeof LIVE_EXAMPLE_MESSAGE
  identity: string
  state: ConnectionState
  /** Identities of the remote participants the frame's session sees. */
  participants: string[]
  error?: string
}

export function isFrameCommand(value: unknown): value is FrameCommand {
  const message = value as Partial<FrameCommand> | null
  return typeof message === 'object' && message !== null && message.type === LIVE_EXAMPLE_MESSAGE && (message.action === 'join' || message.action === 'leave')
}

export function isFrameStatus(value: unknown): value is FrameStatus {
  const message = value as Partial<FrameStatus> | null
  return typeof message === 'object' && message !== null && message.type === LIVE_EXAMPLE_MESSAGE && typeof message.identity === 'string' && typeof message.state === 'string'
}
