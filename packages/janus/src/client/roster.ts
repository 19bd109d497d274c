import type { JanusJsMessage, JanusJsPluginHandle, JanusJsSession } from './janus-js-types'
import { attachVideoRoom } from './publisher'

/** How often a subscriber lists the room's publishers. */
const ROSTER_INTERVAL_MS = 2_000

/** A participant of the room as VideoRoom's `listparticipants` lists it. */
export interface ListedParticipant {
  id: number
  display?: string
  publisher?: boolean
}

/** What a {@link Roster} lists and where its listings go. */
export interface RosterOptions {
  room: number
  /**
   * Every listing (`announce` false for the first one: those listed were there before). `raw` is
   * VideoRoom's answer.
   */
  onListing(listed: ListedParticipant[], raw: JanusJsMessage, announce: boolean): void
}

/**
 * The room's participants for a page that is not a VideoRoom participant (a subscriber-only token:
 * only publishers' room tokens may join as publishers), to which no events about publishers come: a
 * VideoRoom handle of its own with no callbacks lists them (`listparticipants`) now and every 2 s.
 */
export class Roster {
  readonly #options: RosterOptions
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopped = false

  constructor(options: RosterOptions) {
    this.#options = options
  }

  /** Attaches the handle, lists the participants once and then every few seconds until {@link stop}. */
  async start(session: JanusJsSession, coreToken: string): Promise<void> {
    const handle = await attachVideoRoom(session, {}, coreToken)
    await this.#list(handle, false)
    if (!this.#stopped) this.#poll(handle)
  }

  #poll(handle: JanusJsPluginHandle): void {
    this.#timer = setTimeout(() => void this.#list(handle, true).finally(() => !this.#stopped && this.#poll(handle)), ROSTER_INTERVAL_MS)
  }

  async #list(handle: JanusJsPluginHandle, announce: boolean): Promise<void> {
    const answer = await new Promise<JanusJsMessage | undefined>((resolve) =>
      handle.send({
        message: { request: 'listparticipants', room: this.#options.room },
        success: (data) => resolve(data as JanusJsMessage | undefined),
        error: () => resolve(undefined),
      }),
    )
    const listed = answer?.participants as ListedParticipant[] | undefined
    if (!answer || !listed || this.#stopped) return
    this.#options.onListing(listed, answer, announce)
  }

  /** Stops listing. */
  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }
}
