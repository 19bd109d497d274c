import type { DisconnectReason } from '@callport/core'

/** The error's Callport code, when it carries one (a CallportError). */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

const detail = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** What the user reads when the camera or microphone (or a screen) cannot be used. */
export function mediaMessage(error: unknown, what = 'camera and microphone'): string {
  switch (errorCode(error)) {
    case 'PERMISSION_DENIED':
      return `Access to your ${what} is blocked. Allow it in the browser's site settings (the icon left of the address), then try again. You can still join without them.`
    case 'DEVICE_NOT_FOUND':
      return `No ${what} was found, or the chosen one was unplugged. Plug one in or pick another; you can still join without it.`
    case 'DEVICE_IN_USE':
      return `Your ${what} is in use by another application, or failed to start. Close the other app and try again.`
    case 'CONSTRAINTS_NOT_SATISFIABLE':
      return `Your ${what} cannot give the picture or sound asked for. Pick another device.`
    case 'UNSUPPORTED':
      return `This browser cannot use a ${what} here (it needs https or localhost). ${detail(error)}`
    default:
      return `Could not start your ${what}: ${detail(error)}`
  }
}

/** What the user reads when joining fails. */
export function joinMessage(error: unknown): string {
  const code = errorCode(error)
  if (code === 'PERMISSION_DENIED' || code === 'DEVICE_NOT_FOUND' || code === 'DEVICE_IN_USE' || code === 'CONSTRAINTS_NOT_SATISFIABLE') return mediaMessage(error)
  if (error instanceof TypeError || code === 'PROVIDER_UNAVAILABLE' || code === 'CONNECTION_FAILED' || code === 'TOKEN_EXPIRED') {
    return `The call server cannot be reached. Check your connection (and that the demo server still runs), then join again. (${code ?? 'network error'}: ${detail(error)})`
  }
  switch (code) {
    case 'UNAUTHORIZED':
      return 'The server did not accept who you are: reload the page and join again.'
    case 'FORBIDDEN':
      return 'You are not allowed into this room.'
    case 'ROOM_FULL':
      return 'This room is full. Try another room name.'
    case 'INVALID_INPUT':
      return `The room name or your name was refused: ${detail(error)}`
    case 'ABORTED':
      return 'Joining was cancelled.'
    default:
      return `Could not join: ${detail(error)}`
  }
}

/** What the user reads when the call ends without them leaving. */
export function disconnectMessage(reason: DisconnectReason, error: unknown): string | undefined {
  switch (reason) {
    case 'client-initiated':
    case 'join-failed': // the join's own message says why
      return undefined
    case 'removed':
      return 'A moderator removed you from the call.'
    case 'room-closed':
      return 'The room was closed.'
    case 'duplicate-identity':
      return 'You joined this room from another tab or device, so this one left.'
    default:
      return error ? `The call ended (${reason}): ${detail(error)}` : `The call ended (${reason}).`
  }
}

/** What the moderator reads when removing someone fails (`status` 0: no answer). */
export function removeMessage(name: string, status: number, problem: unknown): string {
  const detail = typeof problem === 'string' ? problem : (problem as { detail?: string; title?: string } | undefined)?.detail
  switch (status) {
    case 0:
      return `Could not remove ${name}: the server cannot be reached (${detail ?? 'network error'}).`
    case 401:
    case 403:
      return `Only a moderator of this room can remove ${name}.`
    case 404:
      return `${name} is no longer in the room.`
    case 501:
      return `This provider cannot remove participants.`
    default:
      return `Could not remove ${name}: ${detail ?? `HTTP ${status}`}`
  }
}
