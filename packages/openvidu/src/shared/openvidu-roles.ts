import type { Role } from '@callport/core'

/** OpenVidu's connection roles. */
export type OpenViduRole = 'PUBLISHER' | 'SUBSCRIBER' | 'MODERATOR'

const toOpenVidu: Readonly<Record<Role, OpenViduRole>> = {
  publisher: 'PUBLISHER',
  subscriber: 'SUBSCRIBER',
  moderator: 'MODERATOR',
}

/** The OpenVidu role a Callport role is issued as. */
export function openViduRoleOf(role: Role): OpenViduRole {
  return toOpenVidu[role]
}

/** The Callport role of an OpenVidu role; undefined for anything else (IPCAM connections have none). */
export function roleOfOpenViduRole(role: unknown): Role | undefined {
  for (const [callport, openvidu] of Object.entries(toOpenVidu) as [Role, OpenViduRole][]) {
    if (openvidu === role) return callport
  }
  return undefined
}
