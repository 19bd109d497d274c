import { createSession } from '@callport/client'
import type { ConnectionState, JoinResponse, Participant, Track } from '@callport/core'
import { signaling } from '@callport/signaling/client'

/** Who joins, and where. */
export interface LiveCallSettings {
  room: string
  identity: string
  name: string
}

/** What the frame shows; the call reports to it. */
export interface LiveCallView {
  state(state: ConnectionState): void
  participants(participants: Participant[]): void
  trackSubscribed(participant: Participant, track: Track): void
  trackUnsubscribed(participant: Participant, track: Track): void
  localMedia(stream: MediaStream): void
  failed(message: string): void
}

export interface LiveCall {
  join(): Promise<void>
  leave(): Promise<void>
}

// The demo server's `authorize` trusts who these two cookies name (apps/demo/src/demo-authorize.ts).
const IDENTITY_COOKIE = 'callport_demo_identity'
const NAME_COOKIE = 'callport_demo_name'

const setCookie = (name: string, value: string) => {
  document.cookie = `${name}=${encodeURIComponent(value)}; path=/; SameSite=Strict`
}

/**
 * A token source of its own: both frames share one origin, so one set of cookies; each request says
 * who this frame is right before it is sent.
 */
async function requestToken(settings: LiveCallSettings, signal: AbortSignal): Promise<JoinResponse> {
  setCookie(IDENTITY_COOKIE, settings.identity)
  setCookie(NAME_COOKIE, settings.name)
  const response = await fetch('/calls/join', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ room: settings.room }),
    signal,
  })
  if (!response.ok) {
    throw new Error(
      response.status === 404 || response.status === 405
        ? 'This page is not served by the Callport demo server: run `npm run docs` and open the address it prints.'
        : `The token request failed with HTTP ${response.status}`,
    )
  }
  return (await response.json()) as JoinResponse
}

/** One side of the live example: a session on the built-in provider, through the demo server's `/calls`. */
export function createLiveCall(settings: LiveCallSettings, view: LiveCallView): LiveCall {
  const session = createSession({
    adapters: [
      signaling({
        webrtc: {
          getUserMedia: async (constraints) => {
            const stream = await navigator.mediaDevices.getUserMedia(constraints)
            view.localMedia(stream)
            return stream
          },
        },
      }),
    ],
    token: ({ signal }) => requestToken(settings, signal),
  })
  const showParticipants = () => view.participants(session.participants())
  session.on('connection-state-changed', ({ state }) => view.state(state))
  session.on('participant-joined', showParticipants)
  session.on('participant-left', showParticipants)
  session.on('track-subscribed', ({ participant, track }) => view.trackSubscribed(participant, track))
  session.on('track-unsubscribed', ({ participant, track }) => view.trackUnsubscribed(participant, track))
  session.on('disconnected', ({ reason, error }) => {
    // A failed join is reported by join() itself.
    if (error && reason !== 'join-failed') view.failed(`${reason}: ${error.message}`)
  })

  return {
    async join() {
      try {
        await session.join(settings.room, { audio: true, video: true })
        showParticipants()
      } catch (error) {
        view.failed(error instanceof Error ? error.message : String(error))
      }
    },
    leave: () => session.leave(),
  }
}
