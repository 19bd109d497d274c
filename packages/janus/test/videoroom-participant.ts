import { randomUUID } from 'node:crypto'
import type { Token } from '@callport/core'
import { encodeJanusDisplay, splitJanusTokenValue } from '../src/shared/connect-parameters'

/** A Janus API event or answer, as far as these tests read it. */
export interface JanusMessage {
  janus: string
  session_id?: number
  sender?: number
  data?: { id?: number }
  error?: { code: number; reason: string }
  plugindata?: { plugin: string; data: Record<string, unknown> }
}

/** Someone in a VideoRoom room, joined from Node over the Janus HTTP API with an issued token (no media). */
export interface VideoRoomParticipant {
  /** The VideoRoom feed id Janus gave. */
  id: number
  /** Every VideoRoom event received on the handle so far (long polls). */
  events: Record<string, unknown>[]
  /** True once VideoRoom told this participant it was kicked. */
  kicked(): boolean
  leave(): Promise<void>
}

export async function janusRequest(url: string, body: Record<string, unknown>, path = ''): Promise<JanusMessage> {
  const response = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify({ transaction: randomUUID(), ...body }) })
  return (await response.json()) as JanusMessage
}

/** A session with a VideoRoom handle, opened with `core`; throws Janus's error when refused. */
export async function openVideoRoomHandle(url: string, core: string): Promise<{ session: number; handle: number }> {
  const session = await janusRequest(url, { janus: 'create', token: core })
  if (session.janus !== 'success') throw Object.assign(new Error(`create: ${JSON.stringify(session)}`), { janus: session })
  const handle = await janusRequest(url, { janus: 'attach', plugin: 'janus.plugin.videoroom', token: core }, `/${session.data!.id}`)
  if (handle.janus !== 'success') throw Object.assign(new Error(`attach: ${JSON.stringify(handle)}`), { janus: handle })
  return { session: session.data!.id!, handle: handle.data!.id! }
}

/** Thrown when VideoRoom refuses a join: its error code and words. */
export class VideoRoomRefusal extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`VideoRoom refused the join (${code}): ${reason}`)
  }
}

/**
 * Joins the token's room as a VideoRoom participant (publisher by default: in the room, publishing
 * nothing), with the display a Callport page writes; resolves once VideoRoom says `joined`, rejects
 * with a VideoRoomRefusal when it refuses. Events keep being read by long polls until `leave`.
 */
export async function joinVideoRoom(
  url: string,
  token: Token,
  options: { ptype?: 'publisher' | 'subscriber'; name?: string; roomToken?: string; room?: number; feed?: number } = {},
): Promise<VideoRoomParticipant> {
  const parts = splitJanusTokenValue(token.value)
  if (!parts) throw new Error(`not a Janus token value: ${token.value}`)
  const { session, handle } = await openVideoRoomHandle(url, parts.core)
  const events: Record<string, unknown>[] = []
  const stop = new AbortController()
  let wake: (() => void) | undefined
  const poll = async () => {
    while (!stop.signal.aborted) {
      try {
        const response = await fetch(`${url}/${session}?maxev=10&token=${encodeURIComponent(parts.core)}&rid=${Date.now()}`, { signal: stop.signal })
        const body = (await response.json()) as JanusMessage | JanusMessage[]
        for (const message of Array.isArray(body) ? body : [body]) {
          if (message.plugindata) events.push(message.plugindata.data)
          if (message.janus === 'error') return
        }
        wake?.()
      } catch {
        return
      }
    }
  }
  void poll()
  const room = options.room ?? Number(token.connect.room)
  const ptype = options.ptype ?? 'publisher'
  const join =
    ptype === 'publisher'
      ? { request: 'join', ptype, room, display: encodeJanusDisplay({ identity: token.identity, ...(options.name ? { name: options.name } : {}) }) }
      : { request: 'join', ptype, room, streams: [{ feed: options.feed ?? 1 }] }
  const ack = await janusRequest(url, { janus: 'message', token: parts.core, body: { ...join, token: options.roomToken ?? parts.room } }, `/${session}/${handle}`)
  const destroy = async () => {
    stop.abort()
    await janusRequest(url, { janus: 'destroy', token: parts.core }, `/${session}`).catch(() => undefined)
  }
  if (ack.janus === 'error') {
    await destroy()
    throw new VideoRoomRefusal(ack.error!.code, ack.error!.reason)
  }
  // Synchronous answers (a refusal) come with the request; `ack` means the join's event follows on the long poll.
  const settled = (): Record<string, unknown> | undefined =>
    (ack.plugindata?.data && 'error_code' in ack.plugindata.data ? ack.plugindata.data : undefined) ??
    events.find((event) => event.videoroom === 'joined' || 'error_code' in event)
  const deadline = Date.now() + 5_000
  while (!settled()) {
    if (Date.now() > deadline) {
      await destroy()
      throw new Error(`no joined event within 5 s (${JSON.stringify(ack)}, ${JSON.stringify(events)})`)
    }
    await new Promise<void>((resolve) => {
      wake = resolve
      setTimeout(resolve, 50)
    })
  }
  const outcome = settled()!
  if ('error_code' in outcome) {
    await destroy()
    throw new VideoRoomRefusal(outcome.error_code as number, String(outcome.error))
  }
  return {
    id: typeof outcome.id === 'number' ? outcome.id : 0,
    events,
    kicked: () => events.some((event) => event.leaving === 'ok' && event.reason === 'kicked'),
    async leave() {
      await janusRequest(url, { janus: 'message', token: parts.core, body: { request: 'leave' } }, `/${session}/${handle}`).catch(() => undefined)
      await destroy()
    },
  }
}
