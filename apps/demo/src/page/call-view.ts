import type { ConnectionQuality, Participant, Track } from '@callport/core'

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`The page has no #${id}`)
  return found as T
}

export const label = (participant: Participant): string => participant.name ?? participant.identity

/** A crossed-out microphone (a constant SVG: no emoji font needed). */
const MIC_OFF_ICON =
  '<svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">' +
  '<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16"/></svg>'

/** The self-view tile's key. */
export const LOCAL = 'local'

const qualityText: Record<ConnectionQuality, string> = {
  excellent: 'Network: excellent',
  good: 'Network: good',
  poor: 'Network: poor',
  lost: 'Network: connection lost',
}

/**
 * The page's DOM: header, messages, the pre-join screen and the call (tiles, toolbar, participant
 * list, event log). A tile is a `<figure class="tile">` with `data-identity` (`local` for the
 * self-view), `data-remote` on remote ones, `data-screen` for a screen share, `data-audio`
 * (`on` / `off`), `data-speaking` and a quality indicator; its class is `tile no-video` while it has
 * no picture.
 */
export class CallView {
  readonly form = element<HTMLFormElement>('join-form')
  readonly joinButton = element<HTMLButtonElement>('join')
  readonly leaveButton = element<HTMLButtonElement>('leave')
  readonly cameraButton = element<HTMLButtonElement>('camera')
  readonly microphoneButton = element<HTMLButtonElement>('microphone')
  readonly screenShareButton = element<HTMLButtonElement>('screen-share')
  readonly devicesButton = element<HTMLButtonElement>('devices-toggle')
  readonly preview = element<HTMLVideoElement>('preview')
  readonly devices = element<HTMLFieldSetElement>('devices')
  readonly #previewPlaceholder = element<HTMLElement>('preview-placeholder')
  readonly #mediaToggles = element<HTMLElement>('media-toggles')
  readonly #toolbar = element<HTMLElement>('toolbar')
  readonly #callDevices = element<HTMLElement>('call-devices')
  readonly #prejoin = element<HTMLElement>('prejoin')
  readonly #call = element<HTMLElement>('call')
  readonly #name = element<HTMLInputElement>('name')
  readonly #room = element<HTMLInputElement>('room')
  readonly #roomTitle = element<HTMLElement>('room-title')
  readonly #state = element<HTMLElement>('state')
  readonly #provider = element<HTMLElement>('provider')
  readonly #providerPill = element<HTMLElement>('provider-pill')
  readonly #main = document.querySelector('main')!
  readonly #you = element<HTMLElement>('you')
  readonly #message = element<HTMLElement>('message')
  readonly #announcer = element<HTMLElement>('announcer')
  readonly #participants = element<HTMLUListElement>('participants')
  readonly #grid = element<HTMLDivElement>('grid')
  readonly #log = element<HTMLOListElement>('log')
  /** Elements each remote track plays in, by track id. */
  readonly #elements = new Map<string, HTMLMediaElement>()
  /** Called with the identity of a remote participant the moderator removes. */
  onRemove: ((participant: Participant) => void) | undefined
  #moderator = false

  constructor() {
    this.devicesButton.addEventListener('click', () => {
      const open = this.devicesButton.getAttribute('aria-expanded') !== 'true'
      this.devicesButton.setAttribute('aria-expanded', String(open))
      this.#callDevices.hidden = !open
    })
  }

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

  showIdentity(identity: string, moderator: boolean): void {
    this.#moderator = moderator
    this.#you.textContent = 'You are '
    const code = document.createElement('code')
    code.id = 'identity'
    code.textContent = identity
    this.#you.append(code)
    if (moderator) this.#you.append(' (moderator)')
  }

  showProvider(provider: string): void {
    this.#provider.textContent = provider
    this.#providerPill.hidden = false
  }

  /** An error the user must read (role="alert"); `undefined` clears it. */
  showMessage(text: string | undefined, tone: 'error' | 'info' = 'error'): void {
    this.#message.hidden = text === undefined
    this.#message.textContent = text ?? ''
    this.#message.dataset.tone = tone
  }

  /** A polite announcement for screen readers (someone joined, you were muted). */
  announce(text: string): void {
    this.#announcer.textContent = text
  }

  showState(state: string, room: string | undefined): void {
    this.#state.textContent = state
    const inCall = state === 'connecting' || state === 'connected' || state === 'reconnecting'
    this.joinButton.disabled = inCall
    this.leaveButton.disabled = !inCall
    this.#prejoin.hidden = inCall
    this.#call.hidden = !inCall
    this.#main.dataset.phase = inCall ? 'call' : 'prejoin'
    this.#roomTitle.textContent = inCall && room ? `Room ${room}` : ''
    // The microphone and camera buttons sit on the preview before joining, in the toolbar during the call.
    if (inCall && this.microphoneButton.parentElement !== this.#toolbar) {
      this.#toolbar.prepend(this.microphoneButton, this.cameraButton)
      this.#callDevices.append(...this.devices.querySelectorAll('label'))
    } else if (!inCall && this.microphoneButton.parentElement === this.#toolbar) {
      this.#mediaToggles.append(this.microphoneButton, this.cameraButton)
      this.devices.append(...this.#callDevices.querySelectorAll('label'))
      this.#callDevices.hidden = true
      this.devicesButton.setAttribute('aria-expanded', 'false')
    }
  }

  /** Shows the preview's camera track, or the placeholder without one. */
  showPreview(camera: MediaStreamTrack | undefined, placeholder = 'Camera is off'): void {
    this.preview.srcObject = camera ? new MediaStream([camera]) : null
    this.#previewPlaceholder.hidden = camera !== undefined
    this.#previewPlaceholder.textContent = placeholder
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
    const present = new Map(participants.map((participant) => [participant.identity, participant]))
    for (const tile of this.#grid.querySelectorAll<HTMLElement>('.tile[data-remote]')) {
      const participant = present.get(tile.dataset.identity ?? '')
      if (participant) this.#caption(tile, label(participant))
      else tile.remove()
    }
    this.#reflow()
  }

  /** Shows a local camera track in the self-view tile; `undefined` shows the avatar. */
  showSelf(camera: MediaStreamTrack | undefined, name: string): void {
    const tile = this.#tile(LOCAL, `${name} (you)`, undefined)
    const video = tile.querySelector('video')!
    if ((video.srcObject as MediaStream | null)?.getVideoTracks()[0] !== camera) video.srcObject = camera ? new MediaStream([camera]) : null
    tile.classList.toggle('no-video', camera === undefined)
  }

  /** This participant's own screen share, large like a remote one; `undefined` removes it. */
  showLocalScreen(screen: MediaStreamTrack | undefined): void {
    const key = `${LOCAL}:screen`
    const existing = this.#grid.querySelector<HTMLElement>(`.tile[data-tile="${key}"]`)
    if (!screen) {
      existing?.remove()
      this.#reflow()
      return
    }
    const tile = existing ?? this.#tile(key, 'You are presenting', undefined, true)
    const video = tile.querySelector('video')!
    if ((video.srcObject as MediaStream | null)?.getVideoTracks()[0] !== screen) video.srcObject = new MediaStream([screen])
    tile.classList.remove('no-video')
    this.#reflow()
  }

  setSelfAudio(on: boolean): void {
    this.#grid.querySelector<HTMLElement>(`.tile[data-tile="${LOCAL}"]`)?.setAttribute('data-audio', on ? 'on' : 'off')
  }

  attachTrack(participant: Participant, track: Track): void {
    const screen = track.source === 'screen' || track.source === 'screen-audio'
    const tile = this.#tile(screen ? `${participant.identity}:screen` : participant.identity, label(participant), participant, screen)
    if (track.kind === 'video') {
      this.#elements.set(track.id, track.attach(tile.querySelector('video')!))
      tile.classList.remove('no-video')
    } else {
      const audio = document.createElement('audio')
      tile.append(audio)
      this.#elements.set(track.id, track.attach(audio))
      tile.dataset.audio = 'on'
    }
    this.#reflow()
  }

  detachTrack(participant: Participant, track: Track): void {
    const attached = this.#elements.get(track.id)
    this.#elements.delete(track.id)
    if (!attached) return
    track.detach(attached)
    const tile = attached.closest<HTMLElement>('.tile')
    if (attached instanceof HTMLVideoElement) {
      attached.srcObject = null
      tile?.classList.add('no-video')
    } else {
      attached.remove()
      if (tile && !tile.querySelector('audio')) tile.dataset.audio = 'off'
    }
    // A screen share that ended leaves no tile behind.
    if (tile?.dataset.screen !== undefined && !tile.querySelector('audio') && tile.classList.contains('no-video')) tile.remove()
    this.#reflow()
  }

  /** `track-muted` / `track-unmuted`: the tile keeps its track and shows the state. */
  setTrackMuted(track: Track, muted: boolean): void {
    const tile = this.#elements.get(track.id)?.closest<HTMLElement>('.tile')
    if (!tile) return
    if (track.kind === 'video') tile.classList.toggle('no-video', muted)
    else tile.dataset.audio = muted ? 'off' : 'on'
  }

  /** Rings the tiles of who speaks now (`LOCAL` for this participant). */
  showSpeakers(identities: ReadonlySet<string>): void {
    for (const tile of this.#grid.querySelectorAll<HTMLElement>('.tile:not([data-screen])')) {
      tile.toggleAttribute('data-speaking', identities.has(tile.dataset.tile ?? ''))
    }
  }

  /** The network indicator of a tile (`LOCAL` for this participant). */
  showQuality(key: string, quality: ConnectionQuality): void {
    const indicator = this.#grid.querySelector<HTMLElement>(`.tile[data-tile="${CSS.escape(key)}"] .quality`)
    if (!indicator) return
    indicator.dataset.quality = quality
    indicator.title = qualityText[quality]
    indicator.setAttribute('aria-label', qualityText[quality])
  }

  /** Removes every tile (after leaving). */
  clearTiles(): void {
    this.#grid.replaceChildren()
    this.#elements.clear()
    this.#participants.replaceChildren()
    this.#reflow()
  }

  /** One to four columns as tiles come and go; a screen share takes the stage (CSS). */
  #reflow(): void {
    const tiles = this.#grid.querySelectorAll('.tile').length
    this.#grid.dataset.count = String(tiles)
    const columns = tiles <= 1 ? 1 : tiles <= 4 ? 2 : tiles <= 9 ? 3 : 4
    this.#grid.style.setProperty('--columns', String(columns))
    this.#grid.style.setProperty('--rows', String(Math.max(1, Math.ceil(tiles / columns))))
    if (this.#grid.querySelector('.tile[data-screen]')) this.#grid.dataset.layout = 'stage'
    else delete this.#grid.dataset.layout
  }

  #caption(tile: HTMLElement, caption: string): void {
    tile.querySelector('.name')!.textContent = caption
    tile.querySelector('.avatar')!.textContent = caption.trim().charAt(0).toUpperCase() || '?'
    const kick = tile.querySelector('.kick')
    if (kick) kick.setAttribute('aria-label', `Remove ${caption} from the call`)
  }

  #tile(key: string, caption: string, participant: Participant | undefined, screen = false): HTMLElement {
    let tile = this.#grid.querySelector<HTMLElement>(`.tile[data-tile="${CSS.escape(key)}"]`)
    if (!tile) {
      tile = document.createElement('figure')
      tile.className = 'tile no-video'
      tile.dataset.tile = key
      tile.dataset.identity = participant?.identity ?? LOCAL
      tile.dataset.audio = 'off'
      if (participant) tile.dataset.remote = ''
      if (screen) tile.dataset.screen = ''
      const video = document.createElement('video')
      video.autoplay = true
      video.playsInline = true
      video.muted = true
      const avatar = document.createElement('div')
      avatar.className = 'avatar'
      avatar.setAttribute('aria-hidden', 'true')
      const figcaption = document.createElement('figcaption')
      const name = document.createElement('span')
      name.className = 'name'
      const micOff = document.createElement('span')
      micOff.className = 'icon mic-off'
      micOff.setAttribute('role', 'img')
      micOff.setAttribute('aria-label', 'Microphone off')
      micOff.innerHTML = MIC_OFF_ICON
      const quality = document.createElement('span')
      quality.className = 'quality'
      quality.setAttribute('role', 'img')
      quality.append(document.createElement('i'), document.createElement('i'), document.createElement('i'))
      figcaption.append(name, ...(screen ? [] : [micOff, quality]))
      tile.append(video, avatar, figcaption)
      if (participant && !screen && this.#moderator) {
        const kick = document.createElement('button')
        kick.type = 'button'
        kick.className = 'kick'
        kick.textContent = 'Remove'
        kick.addEventListener('click', () => this.onRemove?.(participant))
        tile.append(kick)
      }
      this.#grid.append(tile)
    }
    this.#caption(tile, screen && participant ? `${caption} (screen)` : caption)
    return tile
  }
}
