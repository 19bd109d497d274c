import type { Participant, Track } from '@callport/core'

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`The page has no #${id}`)
  return found as T
}

const label = (participant: Participant): string => participant.name ?? participant.identity

/** The page's DOM: the join form, toggles, participant list, video grid and event log. */
export class CallView {
  readonly form = element<HTMLFormElement>('join-form')
  readonly leaveButton = element<HTMLButtonElement>('leave')
  readonly joinButton = element<HTMLButtonElement>('join')
  readonly cameraButton = element<HTMLButtonElement>('camera')
  readonly microphoneButton = element<HTMLButtonElement>('microphone')
  readonly #name = element<HTMLInputElement>('name')
  readonly #room = element<HTMLInputElement>('room')
  readonly #state = element<HTMLElement>('state')
  readonly #you = element<HTMLElement>('you')
  readonly #participants = element<HTMLUListElement>('participants')
  readonly #grid = element<HTMLDivElement>('grid')
  readonly #log = element<HTMLOListElement>('log')
  /** Elements each remote track plays in, by track id. */
  readonly #elements = new Map<string, HTMLMediaElement>()

  get name(): string {
    return this.#name.value.trim()
  }

  set name(value: string) {
    this.#name.value = value
  }

  get room(): string {
    return this.#room.value.trim()
  }

  /** Where view-style providers (Vidyo, Kaleyra) draw their own call UI. */
  get viewContainer(): HTMLElement {
    return this.#grid
  }

  pressed(button: HTMLButtonElement): boolean {
    return button.getAttribute('aria-pressed') === 'true'
  }

  setPressed(button: HTMLButtonElement, pressed: boolean): void {
    button.setAttribute('aria-pressed', String(pressed))
  }

  showIdentity(identity: string): void {
    this.#you.textContent = 'You are '
    const code = document.createElement('code')
    code.id = 'identity'
    code.textContent = identity
    this.#you.append(code)
  }

  showState(state: string): void {
    this.#state.textContent = state
    const inCall = state === 'connecting' || state === 'connected' || state === 'reconnecting'
    this.joinButton.disabled = inCall
    this.leaveButton.disabled = !inCall
  }

  /** Adds a line to the event log; `data-event` holds the event name. */
  log(event: string, detail = ''): void {
    const item = document.createElement('li')
    item.dataset.event = event
    item.textContent = `${new Date().toLocaleTimeString()} ${event}${detail ? ` ${detail}` : ''}`
    this.#log.prepend(item)
  }

  showParticipants(participants: Participant[]): void {
    this.#participants.replaceChildren(
      ...participants.map((participant) => {
        const item = document.createElement('li')
        item.dataset.identity = participant.identity
        item.textContent = label(participant)
        return item
      }),
    )
    const present = new Set(participants.map((participant) => participant.identity))
    for (const tile of this.#grid.querySelectorAll<HTMLElement>('.tile[data-remote]')) {
      if (!present.has(tile.dataset.identity ?? '')) tile.remove()
    }
  }

  /** Shows the local camera (the stream the page captured) in its own tile. */
  showLocalMedia(stream: MediaStream, name: string): void {
    const [camera] = stream.getVideoTracks()
    if (!camera) return
    const tile = this.#tile('local', `${name} (you)`, false)
    const video = tile.querySelector('video')!
    video.srcObject = new MediaStream([camera])
    tile.classList.remove('no-video')
    camera.addEventListener('ended', () => {
      if ((video.srcObject as MediaStream | null)?.getTracks()[0] === camera) tile.classList.add('no-video')
    })
  }

  attachTrack(participant: Participant, track: Track): void {
    const tile = this.#tile(participant.identity, label(participant), true)
    if (track.kind === 'video') {
      this.#elements.set(track.id, track.attach(tile.querySelector('video')!))
      tile.classList.remove('no-video')
    } else {
      const audio = document.createElement('audio')
      tile.append(audio)
      this.#elements.set(track.id, track.attach(audio))
    }
  }

  detachTrack(participant: Participant, track: Track): void {
    const attached = this.#elements.get(track.id)
    this.#elements.delete(track.id)
    if (!attached) return
    track.detach(attached)
    if (attached instanceof HTMLVideoElement) {
      attached.srcObject = null
      this.#grid.querySelector(`.tile[data-identity="${CSS.escape(participant.identity)}"]`)?.classList.add('no-video')
    } else {
      attached.remove()
    }
  }

  /** Removes every remote tile (after leaving). */
  clearRemote(): void {
    for (const tile of this.#grid.querySelectorAll('.tile[data-remote]')) tile.remove()
    this.#elements.clear()
    this.#participants.replaceChildren()
  }

  #tile(identity: string, caption: string, remote: boolean): HTMLElement {
    let tile = this.#grid.querySelector<HTMLElement>(`.tile[data-identity="${CSS.escape(identity)}"]`)
    if (!tile) {
      tile = document.createElement('figure')
      tile.className = 'tile no-video'
      tile.dataset.identity = identity
      if (remote) tile.dataset.remote = ''
      const video = document.createElement('video')
      video.autoplay = true
      video.playsInline = true
      video.muted = true
      tile.append(video, document.createElement('figcaption'))
      this.#grid.append(tile)
    }
    tile.querySelector('figcaption')!.textContent = caption
    return tile
  }
}
