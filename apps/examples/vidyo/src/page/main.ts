import { createSession } from '@callport/client'
import { CallportError } from '@callport/core'
import { vidyo } from '@callport/vidyo/client'
import { formText } from '@callport/example-kit/page'
import { roomNameFromVidyoWorks } from '../room-link'

const element = <T extends HTMLElement>(selector: string): T => {
  const found = document.querySelector<T>(selector)
  if (!found) throw new Error(`missing ${selector}`)
  return found
}

const form = element<HTMLFormElement>('#join')
const microphone = element<HTMLButtonElement>('#microphone')
const camera = element<HTMLButtonElement>('#camera')
const leave = element<HTMLButtonElement>('#leave')
const status = element<HTMLSpanElement>('#status')
const list = element<HTMLUListElement>('#participants')

const view = element('#call')
// Where VidyoClient.js comes from, when the server says (VIDYO_CLIENT_SCRIPT_URL); else Vidyo's hosted copy.
const scriptUrl = view.dataset.vidyoClientScript || undefined
// The token server answers POST /calls/join with { room, token }; the token's provider picks the adapter.
const session = createSession({ adapters: [vidyo({ scriptUrl })], token: '/calls/join' })
let microphoneOn = true
let cameraOn = true

const render = (): void => {
  list.replaceChildren(
    ...session.participants().map((participant) => {
      const item = document.createElement('li')
      item.textContent = participant.name ?? participant.identity
      return item
    }),
  )
}

session.on('connection-state-changed', ({ state }) => {
  status.textContent = state
  for (const button of [microphone, camera, leave]) button.disabled = state !== 'connected'
})
session.on('participant-joined', render)
session.on('participant-left', render)
session.on('disconnected', ({ reason }) => {
  status.textContent = `disconnected (${reason})`
  render()
})

form.addEventListener('submit', (event) => {
  event.preventDefault()
  const field = formText(form)
  document.cookie = `example-user=${encodeURIComponent(field('name'))}; path=/; SameSite=Strict`
  let room: string
  try {
    room = roomNameFromVidyoWorks(field('room'))
  } catch {
    status.textContent = 'That is not a room name, room key or room link'
    return
  }
  session.join(room, { container: view }).catch((error: unknown) => {
    status.textContent = CallportError.isInstance(error) ? `${error.code}: ${error.message}` : String(error)
  })
})

microphone.addEventListener('click', () => {
  microphoneOn = !microphoneOn
  microphone.textContent = microphoneOn ? 'Mute' : 'Unmute'
  void session.setMicrophoneEnabled(microphoneOn)
})
camera.addEventListener('click', () => {
  cameraOn = !cameraOn
  camera.textContent = cameraOn ? 'Stop camera' : 'Start camera'
  void session.setCameraEnabled(cameraOn)
})
leave.addEventListener('click', () => {
  void session.leave().then(render)
})
