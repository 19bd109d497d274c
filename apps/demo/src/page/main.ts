import { createSession } from '@callport/client'
import { CallView } from './call-view'
import { clientAdapters } from './client-adapters'

// Kept in step with src/demo-authorize.ts, which reads them (the page bundle cannot import server code).
const IDENTITY_COOKIE = 'callport_demo_identity'
const NAME_COOKIE = 'callport_demo_name'

const view = new CallView()

/** One identity per tab, kept across reloads of that tab. */
function tabIdentity(): string {
  const stored = sessionStorage.getItem(IDENTITY_COOKIE)
  if (stored) return stored
  const created = `guest-${crypto.randomUUID().slice(0, 8)}`
  sessionStorage.setItem(IDENTITY_COOKIE, created)
  return created
}

function setCookie(name: string, value: string): void {
  document.cookie = `${name}=${encodeURIComponent(value)}; path=/; SameSite=Strict`
}

const identity = tabIdentity()
view.showIdentity(identity)
view.name ||= identity

const session = createSession({
  adapters: clientAdapters({ onLocalMedia: (stream) => view.showLocalMedia(stream, view.name) }),
  // POSTs { room } to createCallServer's join route; the demo's authorize reads the cookies set on join.
  token: '/calls/join',
})

const refreshParticipants = () => view.showParticipants(session.participants())

session.on('connection-state-changed', ({ state }) => {
  view.showState(state)
  if (state === 'connected') refreshParticipants()
})
session.on('participant-joined', ({ participant }) => {
  view.log('participant-joined', participant.name ?? participant.identity)
  refreshParticipants()
})
session.on('participant-left', ({ participant }) => {
  view.log('participant-left', participant.name ?? participant.identity)
  refreshParticipants()
})
session.on('track-subscribed', ({ participant, track }) => {
  view.log('track-subscribed', `${participant.name ?? participant.identity} ${track.kind}`)
  view.attachTrack(participant, track)
})
session.on('track-unsubscribed', ({ participant, track }) => {
  view.log('track-unsubscribed', `${participant.name ?? participant.identity} ${track.kind}`)
  view.detachTrack(participant, track)
})
session.on('reconnecting', ({ reason }) => view.log('reconnecting', reason))
session.on('reconnected', () => view.log('reconnected'))
session.on('disconnected', ({ reason, error }) => {
  view.log('disconnected', error ? `${reason}: ${error.message}` : reason)
  view.clearRemote()
})

view.form.addEventListener('submit', (event) => {
  event.preventDefault()
  setCookie(IDENTITY_COOKIE, identity)
  setCookie(NAME_COOKIE, view.name)
  view.log('join', view.room)
  session
    .join(view.room, {
      audio: view.pressed(view.microphoneButton),
      video: view.pressed(view.cameraButton),
      container: view.viewContainer,
    })
    .then(refreshParticipants)
    .catch((error: unknown) => view.log('join-failed', error instanceof Error ? error.message : String(error)))
})
view.leaveButton.addEventListener('click', () => void session.leave())

for (const [button, toggle] of [
  [view.cameraButton, (enabled: boolean) => session.setCameraEnabled(enabled)],
  [view.microphoneButton, (enabled: boolean) => session.setMicrophoneEnabled(enabled)],
] as const) {
  button.addEventListener('click', () => {
    const enabled = !view.pressed(button)
    view.setPressed(button, enabled)
    toggle(enabled).catch((error: unknown) => {
      view.setPressed(button, !enabled)
      view.log('media-failed', error instanceof Error ? error.message : String(error))
    })
  })
}
