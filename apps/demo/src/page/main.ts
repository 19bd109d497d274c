import { createSession, listDevices, watchDevices } from '@callport/client'
import type { DeviceKind, Participant } from '@callport/core'
import { CallView, LOCAL, label } from './call-view'
import { clientAdapters } from './client-adapters'
import { DevicePickers, Preview } from './devices'
import { disconnectMessage, joinMessage, mediaMessage, removeMessage } from './messages'

// Kept in step with src/demo-authorize.ts, which reads them (the page bundle cannot import server code).
const IDENTITY_COOKIE = 'callport_demo_identity'
const NAME_COOKIE = 'callport_demo_name'
const ROLE_COOKIE = 'callport_demo_role'

/** `?role=moderator` asks the demo's (trusting) authorize for the moderator role: a remove button on every remote tile. */
const moderator = new URLSearchParams(location.search).get('role') === 'moderator'
const speakerOutput = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype

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

const view = new CallView()
const identity = tabIdentity()
view.showIdentity(identity, moderator)
view.name ||= identity

const session = createSession({
  adapters: clientAdapters(),
  // POSTs { room } to createCallServer's join route; the demo's authorize reads the cookies set on join.
  token: '/calls/join',
})
const preview = new Preview()
const pickers = new DevicePickers(document, (kind, deviceId) => void chooseDevice(kind, deviceId))
const inCall = () => session.state === 'connecting' || session.state === 'connected' || session.state === 'reconnecting'
const capabilities = () => session.adapter?.capabilities
const microphoneOn = () => view.pressed(view.microphoneButton)
const cameraOn = () => view.pressed(view.cameraButton)
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

// ---- Pre-join: preview and devices ----

async function refreshDevices(): Promise<void> {
  try {
    pickers.show(await listDevices({ requestPermission: false }), preview.chosen)
  } catch (error) {
    view.log('devices-failed', errorText(error))
  }
}

let previewing: Promise<void> = Promise.resolve()
/** Captures the preview again (devices or toggles changed); a failure is explained, and the join goes on without it. */
function restartPreview(): Promise<void> {
  view.showPreview(undefined, cameraOn() ? 'Starting camera…' : 'Camera is off')
  previewing = (async () => {
    try {
      const tracks = await preview.start({ audio: microphoneOn(), video: cameraOn() })
      for (const track of tracks) {
        const kind = track.kind === 'video' ? 'camera' : 'microphone'
        if (track.deviceId) preview.chosen[kind] ??= track.deviceId
      }
      view.showMessage(undefined)
    } catch (error) {
      view.log('preview-failed', errorText(error))
      view.showMessage(mediaMessage(error))
    }
    if (!inCall()) view.showPreview(preview.camera(), cameraOn() ? 'No camera picture' : 'Camera is off')
    await refreshDevices()
  })()
  return previewing
}

/** Whether the preview holds what the toggles ask for. */
const previewMatches = () =>
  preview.tracks().some((track) => track.kind === 'audio') === microphoneOn() && preview.tracks().some((track) => track.kind === 'video') === cameraOn()

async function chooseDevice(kind: DeviceKind, deviceId: string): Promise<void> {
  preview.chosen[kind] = deviceId
  if (!inCall()) {
    if (kind !== 'speaker') await restartPreview()
    return
  }
  try {
    await session.switchDevice(kind, deviceId)
    view.log('switch-device', `${kind} ${deviceId}`)
    if (kind === 'camera') showSelf()
  } catch (error) {
    view.showMessage(mediaMessage(error, kind))
  }
}

// ---- In the call ----

/** The self-view: the camera track this participant publishes (tracks providers; view providers draw their own). */
function showSelf(): void {
  if (capabilities()?.media !== 'tracks' || !inCall()) return
  const local = session.localTracks()
  const camera = local.find((track) => track.kind === 'video' && track.source === 'camera')?.mediaStreamTrack
  view.showSelf(cameraOn() && camera?.readyState === 'live' ? camera : undefined, view.name)
  view.setSelfAudio(microphoneOn())
  view.showLocalScreen(local.find((track) => track.source === 'screen')?.mediaStreamTrack)
  view.setPressed(
    view.screenShareButton,
    local.some((track) => track.source === 'screen'),
  )
}

/** Features the provider lacks are hidden, not broken (its `capabilities`). */
function showCapabilities(): void {
  const adapter = session.adapter
  if (!adapter) return
  view.showProvider(adapter.provider)
  const { media, screenShare, switchDevice = [] } = adapter.capabilities
  view.screenShareButton.hidden = !screenShare
  const anyDevice = pickers.showKinds((kind) => switchDevice.includes(kind) || (kind === 'speaker' && media === 'tracks' && speakerOutput))
  view.devicesButton.hidden = !anyDevice
}

const refreshParticipants = () => view.showParticipants(session.participants())

session.on('connection-state-changed', ({ state }) => {
  view.showState(state, session.room?.name ?? view.room)
  if (state === 'connected') {
    refreshParticipants()
    showSelf()
  }
})
session.on('participant-joined', ({ participant }) => {
  view.log('participant-joined', label(participant))
  view.announce(`${label(participant)} joined`)
  refreshParticipants()
})
session.on('participant-left', ({ participant }) => {
  view.log('participant-left', label(participant))
  view.announce(`${label(participant)} left`)
  refreshParticipants()
})
session.on('participant-updated', ({ participant }) => {
  view.log('participant-updated', label(participant))
  refreshParticipants()
})
session.on('track-subscribed', ({ participant, track }) => {
  view.log('track-subscribed', `${label(participant)} ${track.kind}`)
  view.attachTrack(participant, track)
})
session.on('track-unsubscribed', ({ participant, track }) => {
  view.log('track-unsubscribed', `${label(participant)} ${track.kind}`)
  view.detachTrack(participant, track)
})
session.on('track-muted', ({ participant, track }) => {
  view.log('track-muted', `${label(participant)} ${track.kind}`)
  view.setTrackMuted(track, true)
})
session.on('track-unmuted', ({ participant, track }) => {
  view.log('track-unmuted', `${label(participant)} ${track.kind}`)
  view.setTrackMuted(track, false)
})
session.on('local-track-published', ({ track }) => {
  view.log('local-track-published', `${track.source} ${track.kind}`)
  showSelf()
})
session.on('local-track-unpublished', ({ track }) => {
  view.log('local-track-unpublished', `${track.source} ${track.kind}`)
  showSelf()
})
session.on('active-speakers-changed', ({ speakers }) => {
  const self = session.localParticipant?.identity
  view.showSpeakers(new Set(speakers.map(({ participant }) => (participant.identity === self ? LOCAL : participant.identity))))
})
session.on('connection-quality-changed', ({ participant, local, quality }) => {
  view.log('connection-quality-changed', `${local ? 'you' : label(participant)} ${quality}`)
  view.showQuality(local ? LOCAL : participant.identity, quality)
})
session.on('muted-by-moderator', ({ kind }) => {
  view.log('muted-by-moderator', kind)
  view.setPressed(kind === 'audio' ? view.microphoneButton : view.cameraButton, false)
  showSelf()
  view.showMessage(`A moderator turned off your ${kind === 'audio' ? 'microphone' : 'camera'}.`, 'info')
})
session.on('active-device-changed', ({ kind, deviceId, reason }) => {
  view.log('active-device-changed', `${kind} ${deviceId} ${reason}`)
  preview.chosen[kind] = deviceId
  pickers.select(kind, deviceId)
  if (reason === 'unplugged') view.showMessage(`Your ${kind} was unplugged; the default ${kind} is used now.`, 'info')
  if (kind === 'camera') showSelf()
})
session.on('devices-changed', ({ devices }) => pickers.show(devices, preview.chosen))
session.on('reconnecting', ({ reason }) => {
  view.log('reconnecting', reason)
  view.showMessage('Connection lost — reconnecting…', 'info')
})
session.on('reconnected', () => {
  view.log('reconnected')
  view.showMessage(undefined)
})
session.on('disconnected', ({ reason, error }) => {
  view.log('disconnected', error ? `${reason}: ${error.message}` : reason)
  view.clearTiles()
  const message = disconnectMessage(reason, error)
  if (message) view.showMessage(message)
  // Back on the pre-join screen: the preview again (the page owns its tracks; a vendor that captured its own stopped them).
  if (previewMatches()) view.showPreview(preview.camera())
  else void restartPreview()
})

view.onRemove = (participant: Participant) => {
  const room = session.room?.name
  if (!room) return
  view.log('remove', label(participant))
  fetch(`/calls/rooms/${encodeURIComponent(room)}/participants/${encodeURIComponent(participant.identity)}`, {
    method: 'DELETE',
    // createCallServer's guard against cross-site forms: a state-changing request without a JSON body says it is an API call.
    headers: { 'callport-request': '1' },
  })
    .then(async (response) => {
      if (response.ok) view.announce(`${label(participant)} was removed from the call`)
      else view.showMessage(removeMessage(label(participant), response.status, await response.json().catch(() => undefined)))
    })
    .catch((error: unknown) => view.showMessage(removeMessage(label(participant), 0, errorText(error))))
}

view.form.addEventListener('submit', (event) => {
  event.preventDefault()
  void (async () => {
    view.joinButton.disabled = true
    await previewing
    setCookie(IDENTITY_COOKIE, identity)
    setCookie(NAME_COOKIE, view.name)
    setCookie(ROLE_COOKIE, moderator ? 'moderator' : '')
    const tracks = preview.tracks()
    // Without a preview track (access refused, no device), the user joins without that kind.
    const audio = microphoneOn() && tracks.some((track) => track.kind === 'audio')
    const video = cameraOn() && tracks.some((track) => track.kind === 'video')
    view.setPressed(view.microphoneButton, audio)
    view.setPressed(view.cameraButton, video)
    view.log('join', view.room)
    try {
      await session.join(view.room, { audio, video, container: view.viewContainer, tracks })
    } catch (error) {
      view.log('join-failed', errorText(error))
      view.showMessage(joinMessage(error))
      view.joinButton.disabled = inCall()
      return
    }
    view.showMessage(undefined)
    // A provider that captures its own media (no capabilities.localTracks) did not take the preview's tracks.
    if (!capabilities()?.localTracks) preview.stop()
    showCapabilities()
    if (preview.chosen.speaker && view.devicesButton.hidden === false) {
      session.switchDevice('speaker', preview.chosen.speaker).catch((error: unknown) => view.showMessage(mediaMessage(error, 'speaker')))
    }
    refreshParticipants()
    showSelf()
  })()
})

view.leaveButton.addEventListener('click', () => void session.leave())

for (const [button, toggle] of [
  [view.cameraButton, (enabled: boolean) => session.setCameraEnabled(enabled)],
  [view.microphoneButton, (enabled: boolean) => session.setMicrophoneEnabled(enabled)],
] as const) {
  button.addEventListener('click', () => {
    const enabled = !view.pressed(button)
    view.setPressed(button, enabled)
    if (!inCall()) {
      void restartPreview()
      return
    }
    toggle(enabled)
      .then(showSelf)
      .catch((error: unknown) => {
        view.setPressed(button, !enabled)
        view.log('media-failed', errorText(error))
        view.showMessage(mediaMessage(error, button === view.cameraButton ? 'camera' : 'microphone'))
      })
  })
}

view.screenShareButton.addEventListener('click', () => {
  const enabled = !view.pressed(view.screenShareButton)
  session
    .setScreenShareEnabled(enabled, { audio: capabilities()?.screenShareAudio === true })
    .then(showSelf)
    .catch((error: unknown) => {
      view.log('screen-share-failed', errorText(error))
      // Cancelling the browser's picker is not an error worth a message.
      if ((error as { code?: string }).code !== 'PERMISSION_DENIED') view.showMessage(mediaMessage(error, 'screen'))
      showSelf()
    })
})

pickers.showKinds((kind) => kind !== 'speaker' || speakerOutput)
watchDevices(() => {
  if (!inCall()) void refreshDevices()
})
void restartPreview()
