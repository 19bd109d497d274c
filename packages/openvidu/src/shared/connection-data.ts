import * as z from 'zod/mini'
import { IdentitySchema, MetadataSchema, RoleSchema, type Participant } from '@callport/core'
import { roleOfOpenViduRole } from './openvidu-roles'

/**
 * The participant a Callport token is for travels in the OpenVidu connection's server data (`data`
 * of `POST …/connection`, `serverData` in REST answers and webhooks), as a JSON object:
 *
 *     {"callport":1,"identity":"alice","name":"Alice","role":"publisher","metadata":{"team":"blue"}}
 *
 * `callport` is the format version; `name` and `metadata` are present when the participant has them.
 * Every `%` is written as the JSON escape `\u0025`, so the text never contains `%/%`, the separator
 * OpenVidu puts between a connection's client data and its server data in the browser
 * (`connection.data` is `<clientData>%/%<serverData>` when both are set, else the one that is).
 */
export const CONNECTION_DATA_VERSION = 1

/** What OpenVidu puts between client data and server data in `connection.data` (openvidu-server `Participant.getFullMetadata`). */
export const METADATA_SEPARATOR = '%/%'

const ParticipantDataSchema = z.object({
  callport: z.literal(CONNECTION_DATA_VERSION),
  identity: IdentitySchema,
  name: z.optional(z.string().check(z.maxLength(256))),
  role: RoleSchema,
  metadata: z.optional(MetadataSchema),
})

/** The server data of a connection issued for `participant`. */
export function encodeParticipantData(participant: Participant): string {
  const data = {
    callport: CONNECTION_DATA_VERSION,
    identity: participant.identity,
    ...(participant.name === undefined ? {} : { name: participant.name }),
    role: participant.role,
    ...(participant.metadata === undefined ? {} : { metadata: participant.metadata }),
  }
  return JSON.stringify(data).replaceAll('%', '\\u0025')
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** The participant in a connection's server data, when Callport wrote it. */
export function decodeParticipantData(serverData: string | null | undefined): Omit<Participant, 'providerParticipantId'> | undefined {
  if (!serverData) return undefined
  const parsed = ParticipantDataSchema.safeParse(parseJson(serverData))
  if (!parsed.success) return undefined
  const { identity, name, role, metadata } = parsed.data
  return { identity, role, ...(name === undefined ? {} : { name }), ...(metadata === undefined ? {} : { metadata }) }
}

/**
 * Whether text a page supplied (the `data` a samples page posts, which becomes a connection's server
 * data) could be taken for participant data Callport wrote: a JSON object with a `callport` member
 * (Callport's format, any version), or text containing OpenVidu's separator `%/%` (in the browser,
 * whatever follows the last separator is read as server data). Such text is refused, so that a page
 * can never make its connection pass for someone else's identity or role.
 */
export function couldPassForParticipantData(text: string): boolean {
  if (text.includes(METADATA_SEPARATOR)) return true
  const json = parseJson(text)
  return typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, 'callport')
}

/**
 * Splits a browser-side `connection.data` into client data and server data. Server data written by
 * Callport never contains the separator, so the last separator is the one OpenVidu added. Without a
 * separator the text is one of the two: it counts as server data when it is in Callport's format.
 */
export function splitConnectionData(data: string | null | undefined): { clientData: string; serverData: string } {
  const text = data ?? ''
  const index = text.lastIndexOf(METADATA_SEPARATOR)
  if (index >= 0) return { clientData: text.slice(0, index), serverData: text.slice(index + METADATA_SEPARATOR.length) }
  return decodeParticipantData(text) ? { clientData: '', serverData: text } : { clientData: text, serverData: '' }
}

const SampleClientDataSchema = z.object({ clientData: z.string() })

/** A display name from client data: OpenVidu's samples send `{"clientData": "<name>"}`; plain text counts as a name too. */
function nameOfClientData(clientData: string | null | undefined): string | undefined {
  if (!clientData) return undefined
  const json = parseJson(clientData)
  const sample = SampleClientDataSchema.safeParse(json)
  const name = sample.success ? sample.data.clientData : json === undefined ? clientData : undefined
  return name !== undefined && name.length > 0 && name.length <= 256 ? name : undefined
}

/** What is known about one OpenVidu connection. */
export interface ConnectionFacts {
  connectionId: string
  serverData?: string | null | undefined
  clientData?: string | null | undefined
  /** OpenVidu role (`PUBLISHER`…), when known. */
  role?: unknown
}

/**
 * The Callport participant of an OpenVidu connection. A connection Callport issued carries its
 * participant in the server data; any other connection (made by another application, or through the
 * OpenVidu samples routes) is identified by its connection id, named by its client data.
 */
export function participantOfConnection(connection: ConnectionFacts): Participant {
  const issued = decodeParticipantData(connection.serverData)
  if (issued) return { ...issued, providerParticipantId: connection.connectionId }
  const name = nameOfClientData(connection.clientData)
  return {
    identity: connection.connectionId,
    role: roleOfOpenViduRole(connection.role) ?? 'publisher',
    ...(name === undefined ? {} : { name }),
    providerParticipantId: connection.connectionId,
  }
}
