/**
 * What a VT server (Medialooks Video Transport signaling, socket.io) sends, as its public docs show it:
 * docs.medialooks.com/video-transport/vt-api/connection-to-signaling ("JSON on_connection example",
 * "JSON on_join example"), recorded in the project's vendor reference (vendors.md §5, corrected in §7: "seed 001").
 *
 * Taken unchanged from there: every key, every value's type, and the values vendors.md quotes
 * (`session_id: 1653558286392` — a number —, `signaling_ver: "2.1"`, `role: "owner"`,
 * `auth_room: "Auth"`, `on_join`'s first argument `"EawLi6fQ9jKByY/R46TRSyVHsKY="`, the member's
 * `id: "WbaqzsMXqeQiwuoa"`, `mode: "enum"`, `name: "_VT_MNG_RCV_"`, `peerType: "cpp"`,
 * `rcv_name: "VT_ReceiverMng"`). The page elides `headers`, `server_metadata`, `private` and
 * `join_props` as `{...}`: they are `{}` here. Values vendors.md does not quote (the address, port,
 * licence username, auth_id, hardware id, location, VT version) are stand-ins of the same type and form.
 *
 * NOT published by VT, so not seeded: the room-join exchange (its request `type`, the `join` reply and
 * its `members`) and the `on_leave` payload. The fake VT server answers those in our protocol of
 * record (docs/providers/signaling-protocol.md), with VT's member object in `members`.
 */

export const VT_PASSWORD = 'vt-licence-password'
export const VT_USERNAME = 'licensee@example.com'

/** `on_connection`'s one argument. */
export const vtConnectionInfo = {
  session_id: 1653558286392,
  signaling_ver: '2.1',
  remoteAddress: '::ffff:127.0.0.1',
  remotePort: 50522,
  headers: {},
  server_metadata: {},
  username: VT_USERNAME,
  role: 'owner',
  auth_room: 'Auth',
  auth_id: 'vtAuthIdOfTheClient0',
} as const

/** `on_join`'s first argument: not the member's `id`. */
export const vtJoinedMemberId = 'EawLi6fQ9jKByY/R46TRSyVHsKY='

/** `on_join`'s second argument: the member. `id` is the id used as `to`; there is no `role`. */
export const vtMember = {
  hardware_id: '{00000000-0000-0000-0000-000000000000}',
  location: 'NL, Amsterdam',
  mode: 'enum',
  name: '_VT_MNG_RCV_',
  peerType: 'cpp',
  rcv_name: 'VT_ReceiverMng',
  vt_version: '1.9.4.0',
  id: 'WbaqzsMXqeQiwuoa',
  private: {},
  join_props: {},
} as const
