import * as z from 'zod/mini'

/**
 * The signaling protocol of record (VT-style, over socket.io). Shared by the signaling server and the
 * client adapter; every message either side receives is validated against these schemas.
 *
 * Conventions (from the published VT API, see docs/providers/signaling-protocol.md):
 * - Connect with query `username=<identity>` and `auth=<JSON string>` (`{"token":"<jwt>"}` for Callport
 *   credentials, `{"password":"…"}` for VT-licensed servers).
 * - Server events carry their payload as socket.io arguments: `on_connection(info)`,
 *   `on_join(memberId, member)`, `on_leave(memberId)`, `on_props_set(memberId, props)`,
 *   `on_kick({ reason, message })`. On our server `memberId` is `member.id`; on a VT server
 *   `on_join`'s first argument is another id (`"EawLi6fQ9jKByY/R46TRSyVHsKY="` for the member
 *   `"WbaqzsMXqeQiwuoa"` in VT's example): the client keys members by `member.id`, the id used as `to`,
 *   and also recognises the other id in later events.
 * - Commands: `emit('request', message, ack)`; the ack is called with two arguments, `(result, null)`
 *   on success and `(null, { code, message })` on failure — `[result, null]` as an argument array.
 * - A relayed command reaches its target as `emit('request', { ...message, from })`, with no ack.
 */

export const SIGNALING_VERSION = '2.1'
export const AUTH_ROOM = 'Auth'

/** Events the server emits. */
export const serverEvents = {
  connection: 'on_connection',
  join: 'on_join',
  leave: 'on_leave',
  propsSet: 'on_props_set',
  kick: 'on_kick',
  /** A moderator muted this member's microphone or camera (`on_mute({ kind })`); Callport's own extension. */
  mute: 'on_mute',
} as const

/** The one event clients emit (and receive relayed commands on). */
export const REQUEST_EVENT = 'request'

/** Largest message a socket may send, in bytes of JSON. SDP offers are a few KiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024

export const AuthQuerySchema = z.union([
  z.object({ token: z.string().check(z.minLength(1), z.maxLength(8192)) }),
  z.object({ password: z.string().check(z.minLength(1), z.maxLength(1024)) }),
])
export type AuthQuery = z.infer<typeof AuthQuerySchema>

export const MemberRoleSchema = z.enum(['publisher', 'subscriber', 'moderator'])

const StreamIdSchema = z.string().check(z.maxLength(128))

/**
 * Properties a member announces on join and may change later (`props_set`). `audio` / `video`: the
 * microphone / camera is on (a Callport client that turns one off keeps its track published, muted);
 * `stream`: the id of the MediaStream its camera and microphone are sent in; `screen`: the id of the
 * MediaStream of its screen share while it shares one, `''` when not. Peers tell a track's source by
 * its stream (`RTCTrackEvent.streams[0].id`). `stream` and `screen` are Callport's own additions: a
 * VT server keeps props it does not know, and older clients ignore them.
 */
export const MemberPropsSchema = z.object({
  display_name: z.optional(z.string().check(z.maxLength(256))),
  audio: z.optional(z.boolean()),
  video: z.optional(z.boolean()),
  metadata: z.optional(z.record(z.string(), z.unknown())),
  stream: z.optional(StreamIdSchema),
  screen: z.optional(StreamIdSchema),
})
export type MemberProps = z.infer<typeof MemberPropsSchema>

/** A room member as our server's `on_join` and `join` reply describe it. */
export const MemberSchema = z.object({
  id: z.string(),
  /** The member's identity (the connect `username`). */
  name: z.string(),
  role: MemberRoleSchema,
  join_props: MemberPropsSchema,
})
export type Member = z.infer<typeof MemberSchema>

/**
 * The role of a member that names none, or names one that is not ours. A VT server's members carry
 * no `role` (docs.medialooks.com/video-transport/vt-api/connection-to-signaling, `on_join` example),
 * and its `on_connection` says `role: "owner"`: a role is taken only when it is one of ours, which
 * only our own server sends.
 */
export const DEFAULT_MEMBER_ROLE = 'publisher' as const

/**
 * `schema`, or undefined for a value that fails it (a field of the wrong type is ignored, not the
 * message): what `z.catch(z.optional(schema), undefined)` does, without the ~3 KiB gzip that
 * `z.catch` pulls into the browser bundle.
 */
function lenient<T>(schema: z.ZodMiniType<T>) {
  return z.optional(
    z.pipe(
      z.unknown(),
      z.transform((value): T | undefined => {
        const parsed = schema.safeParse(value)
        return parsed.success ? parsed.data : undefined
      }),
    ),
  )
}

/** Member props as the client accepts them: a field of the wrong type is ignored, not the member. */
export const ReceivedMemberPropsSchema = z.object({
  display_name: lenient(z.string().check(z.maxLength(256))),
  audio: lenient(z.boolean()),
  video: lenient(z.boolean()),
  metadata: lenient(z.record(z.string(), z.unknown())),
  stream: lenient(StreamIdSchema),
  screen: lenient(StreamIdSchema),
})

/**
 * A member as the client accepts it, from our server or from a VT server. VT's member object
 * (`{hardware_id, location, mode, name, peerType, rcv_name, vt_version, id, private, join_props}`)
 * has no `role` and `join_props` of its own making; `id` is the id other members address in `to`.
 * Fields beyond these are dropped. `toMember` gives it the shape of ours.
 */
export const ReceivedMemberSchema = z.object({
  id: z.string().check(z.minLength(1)),
  name: z.string(),
  role: lenient(MemberRoleSchema),
  join_props: lenient(ReceivedMemberPropsSchema),
})
export type ReceivedMember = z.infer<typeof ReceivedMemberSchema>

function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}

/** Props a client received, without the fields it ignored. */
export function toMemberProps(props: z.infer<typeof ReceivedMemberPropsSchema> | undefined): MemberProps {
  return props === undefined ? {} : definedOnly(props)
}

/** A received member in our shape: no role (VT) → `DEFAULT_MEMBER_ROLE`; no or unusable props → `{}`. */
export function toMember(member: ReceivedMember): Member {
  return { id: member.id, name: member.name, role: member.role ?? DEFAULT_MEMBER_ROLE, join_props: toMemberProps(member.join_props) }
}

/**
 * `on_connection`. `session_id` is a string on our server (the socket id) and a **number** on a VT
 * server (`1653558286392` in VT's example); `role` is one of ours on our server and `"owner"` on VT's.
 * VT also sends `headers`, which is dropped.
 */
export const ConnectionInfoSchema = z.object({
  session_id: z.union([z.string(), z.number()]),
  signaling_ver: z.string(),
  username: z.string(),
  role: z.string(),
  auth_room: z.string(),
  auth_id: z.string(),
  remoteAddress: z.optional(z.string()),
  remotePort: z.optional(z.number()),
  server_metadata: z.record(z.string(), z.unknown()),
})
export type ConnectionInfo = z.infer<typeof ConnectionInfoSchema>

const RoomIdGetSchema = z.object({ command: z.literal('room_id_get'), auth_room_name_mask: z.string().check(z.minLength(1), z.maxLength(256)) })
const JoinSchema = z.object({ command: z.literal('join'), room_id: z.string().check(z.minLength(1), z.maxLength(128)), props: z.optional(MemberPropsSchema) })
const LeaveSchema = z.object({ command: z.literal('leave') })
const PropsSetSchema = z.object({ command: z.literal('props_set'), props: MemberPropsSchema })
const TokenUpdateSchema = z.object({ command: z.literal('token_update'), token: z.string().check(z.minLength(1), z.maxLength(8192)) })

export const SessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.optional(z.string().check(z.maxLength(MAX_MESSAGE_BYTES))),
})
export const IceCandidateSchema = z.object({
  candidate: z.string().check(z.maxLength(4096)),
  sdpMid: z.optional(z.nullable(z.string())),
  sdpMLineIndex: z.optional(z.nullable(z.number())),
  usernameFragment: z.optional(z.nullable(z.string())),
})
const WebrtcSignalSchema = z.object({
  command: z.literal('webrtc_signal'),
  description: z.optional(SessionDescriptionSchema),
  candidate: z.optional(z.nullable(IceCandidateSchema)),
  /** Set by the sender when it restarts ICE after a reconnection. */
  restart: z.optional(z.boolean()),
})
const DataSchema = z.object({ command: z.literal('data'), data: z.string().check(z.maxLength(16 * 1024)) })

export const AuthCommandSchema = z.discriminatedUnion('command', [RoomIdGetSchema, JoinSchema, LeaveSchema, PropsSetSchema, TokenUpdateSchema])
export const PeerCommandSchema = z.discriminatedUnion('command', [WebrtcSignalSchema, DataSchema])

/** A `request` a client sends. `to` is a member id; without it a `data` command goes to the whole room. */
export const RequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), command: AuthCommandSchema }),
  z.object({ type: z.literal('command'), to: z.optional(z.string().check(z.maxLength(128))), command: PeerCommandSchema }),
])
export type Request = z.infer<typeof RequestSchema>
export type AuthCommand = z.infer<typeof AuthCommandSchema>
export type PeerCommand = z.infer<typeof PeerCommandSchema>
export type WebrtcSignal = z.infer<typeof WebrtcSignalSchema>

/** A relayed command, as its target receives it. */
export const RelayedRequestSchema = z.object({
  type: z.literal('command'),
  from: z.string(),
  to: z.optional(z.string()),
  command: PeerCommandSchema,
})
export type RelayedRequest = z.infer<typeof RelayedRequestSchema>

export const RoomIdResultSchema = z.object({ room_id: z.string() })
export const JoinResultSchema = z.object({ room_id: z.string(), members: z.array(MemberSchema) })
/** The `join` reply as the client accepts it: members of our server's shape or of VT's. */
export const ReceivedJoinResultSchema = z.object({ room_id: z.string(), members: z.array(ReceivedMemberSchema) })
export const TokenUpdateResultSchema = z.object({ expires_at: z.string() })

export const signalingErrorCodes = [
  'INVALID_INPUT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'FORBIDDEN',
  'NOT_JOINED',
  'MEMBER_NOT_FOUND',
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
  'INTERNAL',
] as const
export const SignalingErrorSchema = z.object({ code: z.enum(signalingErrorCodes), message: z.string() })
export type SignalingError = z.infer<typeof SignalingErrorSchema>

/** Why the server ends a member's connection (`on_kick`), sent just before it disconnects the socket. */
export const kickReasons = ['token_expired', 'removed', 'room_closed', 'duplicate_identity', 'server_shutdown'] as const
export const KickSchema = z.object({ reason: z.enum(kickReasons), message: z.string() })
/** `on_mute`: the server half muted this member's `audio` (microphone) or `video` (camera). */
export const MuteSchema = z.object({ kind: z.enum(['audio', 'video']) })
export type Mute = z.infer<typeof MuteSchema>
export type Kick = z.infer<typeof KickSchema>

/** Claims of the HS256 credential the server half issues. */
export const SignalingClaimsSchema = z.object({
  iss: z.literal('callport-signaling'),
  sub: z.string().check(z.minLength(1)),
  room: z.string().check(z.minLength(1)),
  role: MemberRoleSchema,
  name: z.optional(z.string()),
  metadata: z.optional(z.record(z.string(), z.unknown())),
  iat: z.number(),
  exp: z.number(),
})
export type SignalingClaims = z.infer<typeof SignalingClaimsSchema>
