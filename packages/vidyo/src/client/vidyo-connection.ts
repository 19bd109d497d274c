import {
  CallportError,
  EventEmitter,
  type ClientConnection,
  type ConnectionEvents,
  type DeviceKind,
  type EventContext,
  type Participant,
  type ParticipantEvent,
  type Token,
} from '@callport/core'
import { raceAbort } from '@callport/provider-utils'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import type { ConnectorListeners, PooledConnector, VidyoDeviceKind } from './connector-pool'
import { isNativeWebRtcConnectRefusal, nativeWebRtcBuildError } from './load-sdk'
import type { VidyoConnector, VidyoLocalDevice, VidyoParticipant } from './vidyo-client-types'
import { participantOf } from './vidyo-participant'
import { disconnectionOf, errorOfFailReason } from './vidyo-reasons'

/** The loudest speaker changed (`onLoudestChanged`); `raw` is `{ participant, audioOnly }` as Vidyo sent them. */
export interface VidyoLoudestParticipantChangedEvent extends ParticipantEvent {
  audioOnly: boolean
}

/** The participants the view shows changed (`onDynamicChanged`); `raw` is `{ participants, cameras }` as Vidyo sent them. */
export interface VidyoDynamicParticipantsChangedEvent extends EventContext {
  /** Most relevant first. */
  participants: Participant[]
}

/** Vendor events that have no Callport event of their own, offered as callbacks (one object argument, like Callport's events). */
export interface VidyoParticipantCallbacks {
  /** The loudest speaker changed (`onLoudestChanged`). */
  onLoudestParticipantChanged?: ((event: VidyoLoudestParticipantChangedEvent) => void) | undefined
  /** The participants the view shows changed, most relevant first (`onDynamicChanged`). */
  onDynamicParticipantsChanged?: ((event: VidyoDynamicParticipantsChangedEvent) => void) | undefined
}

export interface VidyoConnectionOptions extends VidyoParticipantCallbacks {
  pooled: PooledConnector
  token: Pick<Token, 'identity' | 'value' | 'expiresAt'>
  host: string
  resourceId: string
  displayName: string
}

type Phase = 'idle' | 'connecting' | 'connected' | 'closed'

const rejected = (method: string): CallportError => new CallportError('PROVIDER_REJECTED', `VidyoConnector refused ${method}`, { provider: VIDYO_PROVIDER, retryable: false })

/** VidyoConnector's selection method of each device kind. */
const select = {
  camera: (connector: VidyoConnector, device: VidyoLocalDevice) => connector.SelectLocalCamera({ localCamera: device }),
  microphone: (connector: VidyoConnector, device: VidyoLocalDevice) => connector.SelectLocalMicrophone({ localMicrophone: device }),
  speaker: (connector: VidyoConnector, device: VidyoLocalDevice) => connector.SelectLocalSpeaker({ localSpeaker: device }),
} as const satisfies Record<VidyoDeviceKind, (connector: VidyoConnector, device: VidyoLocalDevice) => Promise<boolean>>

const selectMethod = { camera: 'SelectLocalCamera', microphone: 'SelectLocalMicrophone', speaker: 'SelectLocalSpeaker' } as const

/**
 * One VidyoConnector call. Maps VidyoConnector's callbacks to ConnectionEvents (keeping the vendor's
 * payload as `raw`), the camera and microphone toggles to Vidyo's privacy settings, `switchDevice` to
 * `SelectLocalCamera` / `SelectLocalMicrophone` / `SelectLocalSpeaker` (an unplugged device in use is
 * replaced by the first one left). `onLoudestChanged` goes to the `onLoudestParticipantChanged` option
 * only: Vidyo never says that nobody speaks, which `active-speakers-changed` must.
 */
export class VidyoConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  readonly #options: VidyoConnectionOptions
  readonly #remote = new Map<string, Participant>()
  /** The kinds whose device in use was unplugged, until another is selected. */
  readonly #unplugged = new Set<VidyoDeviceKind>()
  #phase: Phase = 'idle'
  #release: (() => void) | undefined
  #attempt: { resolve: () => void; reject: (error: CallportError) => void } | undefined

  constructor(options: VidyoConnectionOptions) {
    super()
    this.#options = options
    this.localParticipant = { identity: options.token.identity, name: options.displayName, role: 'publisher' }
  }

  /** Takes the view's connector, applies the initial camera and microphone state, and connects. */
  async open(media: { audio: boolean; video: boolean }, signal?: AbortSignal): Promise<void> {
    this.#release = this.#options.pooled.use(this.#listeners())
    this.#phase = 'connecting'
    try {
      await raceAbort(this.#setPrivacy('SetCameraPrivacy', !media.video), signal, undefined, VIDYO_PROVIDER)
      await raceAbort(this.#setPrivacy('SetMicrophonePrivacy', !media.audio), signal, undefined, VIDYO_PROVIDER)
      const outcome = new Promise<void>((resolve, reject) => {
        this.#attempt = { resolve, reject }
      })
      // Settled by the callbacks, possibly after an abort stopped waiting for it.
      outcome.catch(() => undefined)
      const started = await raceAbort(
        this.#connect({
          host: this.#options.host,
          token: this.#options.token.value,
          displayName: this.#options.displayName,
          resourceId: this.#options.resourceId,
          onSuccess: () => this.#onSuccess(),
          onFailure: (reason) => this.#onFailure(reason),
          onDisconnected: (reason) => this.#onDisconnected(reason),
        }),
        signal,
        undefined,
        VIDYO_PROVIDER,
      )
      if (!started) this.#failAttempt(new CallportError('CONNECTION_FAILED', 'VidyoConnector could not start connecting', { provider: VIDYO_PROVIDER }))
      await raceAbort(outcome, signal, undefined, VIDYO_PROVIDER)
    } catch (error) {
      await this.disconnect().catch(() => undefined)
      throw error
    }
  }

  /** Connect, with the native WebRTC build's refusal (it has no token join) made UNSUPPORTED. */
  async #connect(options: Parameters<VidyoConnector['Connect']>[0]): Promise<boolean> {
    try {
      return await this.#options.pooled.connector.Connect(options)
    } catch (error) {
      throw isNativeWebRtcConnectRefusal(error) ? nativeWebRtcBuildError(error) : error
    }
  }

  /**
   * The VidyoConnector this call runs on, for what the portable surface does not cover. Outside the
   * contract: code that uses it is tied to VidyoClient and its build. The connector belongs to the
   * view element and is reused by later calls in it: do not `Disconnect` it yourself (`leave()` does).
   */
  get vendor(): VidyoConnector {
    return this.#options.pooled.connector
  }

  participants(): Participant[] {
    return [...this.#remote.values()]
  }

  get #closed(): boolean {
    return this.#phase === 'closed'
  }

  /**
   * Selects the camera, microphone or speaker whose VidyoConnector device `id` is `deviceId` (the
   * devices its local device listeners reported), then emits `active-device-changed` (`switched`).
   * DEVICE_NOT_FOUND for an id it did not report; PROVIDER_REJECTED when VidyoConnector refuses.
   */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (this.#phase === 'closed') throw new CallportError('CONNECTION_FAILED', 'The Vidyo call has ended', { provider: VIDYO_PROVIDER, retryable: false })
    const device = this.#options.pooled.devices.available[kind].find((candidate) => candidate.id === deviceId)
    if (device === undefined) {
      throw new CallportError('DEVICE_NOT_FOUND', `VidyoConnector reports no ${kind} with id ${JSON.stringify(deviceId)}`, { provider: VIDYO_PROVIDER, retryable: false })
    }
    this.#unplugged.delete(kind)
    if (!(await select[kind](this.#options.pooled.connector, device))) throw rejected(selectMethod[kind])
    // The device in use from now on, even before the listener's onSelected says so.
    this.#options.pooled.devices.selected[kind] = device
    if (!this.#closed) this.emit('active-device-changed', { kind, deviceId: device.id, reason: 'switched', raw: device })
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    await this.#setPrivacy('SetCameraPrivacy', !enabled)
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    await this.#setPrivacy('SetMicrophonePrivacy', !enabled)
  }

  async disconnect(): Promise<void> {
    if (this.#phase === 'closed') return
    const wasLive = this.#phase !== 'idle'
    this.#close()
    this.#failAttempt(new CallportError('ABORTED', 'The call was left while connecting', { provider: VIDYO_PROVIDER }))
    if (wasLive) await this.#options.pooled.connector.Disconnect()
  }

  async #setPrivacy(method: 'SetCameraPrivacy' | 'SetMicrophonePrivacy', privacy: boolean): Promise<void> {
    if (this.#phase === 'closed') throw new CallportError('CONNECTION_FAILED', 'The Vidyo call has ended', { provider: VIDYO_PROVIDER, retryable: false })
    if (!(await this.#options.pooled.connector[method]({ privacy }))) throw rejected(method)
  }

  #listeners(): ConnectorListeners {
    return {
      participant: {
        onJoined: (participant) => this.#add(participant),
        onLeft: (participant) => this.#onLeft(participant),
        onDynamicChanged: (participants, cameras) => this.#onDynamicChanged(participants, cameras),
        onLoudestChanged: (participant, audioOnly) => this.#onLoudestChanged(participant, audioOnly),
      },
      reconnect: {
        onReconnecting: (attempt, attemptTimeout, lastReason) => {
          // Vidyo numbers its own attempts; anything else is reported as 0, a provider-internal reconnection.
          const number = Number.isSafeInteger(attempt) && attempt > 0 ? attempt : 0
          if (this.#phase === 'connected') this.emit('reconnecting', { attempt: number, reason: 'connection-lost', raw: { attempt, attemptTimeout, lastReason } })
        },
        onReconnected: () => {
          if (this.#phase === 'connected') this.emit('reconnected', { raw: undefined })
        },
        onConferenceLost: () => undefined,
      },
      devices: {
        onRemoved: (kind, _device, wasSelected) => {
          if (wasSelected && this.#phase !== 'closed') this.#unplugged.add(kind)
        },
        onSelected: (kind, device) => this.#onDeviceSelected(kind, device),
      },
    }
  }

  /**
   * After the device in use was unplugged: VidyoConnector selects none (`onSelected(null)`), so the
   * first device of that kind still reported is selected; once one is selected (by this or by the
   * SDK itself), `active-device-changed` (`unplugged`) says which.
   */
  #onDeviceSelected(kind: VidyoDeviceKind, device: VidyoLocalDevice | null): void {
    if (!this.#unplugged.has(kind) || this.#phase === 'closed') return
    if (device !== null) {
      // A late report of a device that is gone is not the fallback.
      if (!this.#options.pooled.devices.available[kind].some((known) => known.id === device.id)) return
      this.#unplugged.delete(kind)
      this.emit('active-device-changed', { kind, deviceId: device.id, reason: 'unplugged', raw: device })
      return
    }
    const fallback = this.#options.pooled.devices.available[kind][0]
    // Nothing of that kind is left: the call goes on without it until one is plugged in and chosen.
    if (fallback === undefined) return
    select[kind](this.#options.pooled.connector, fallback).catch(() => undefined)
  }

  #failAttempt(error: CallportError): void {
    const attempt = this.#attempt
    this.#attempt = undefined
    attempt?.reject(error)
  }

  #onSuccess(): void {
    if (this.#phase !== 'connecting') return
    this.#phase = 'connected'
    const attempt = this.#attempt
    this.#attempt = undefined
    attempt?.resolve()
  }

  #onFailure(reason: unknown): void {
    const error = errorOfFailReason(reason, this.#options.token)
    if (this.#phase === 'connecting') this.#failAttempt(error)
    else if (this.#phase === 'connected') this.#end({ reason: 'connection-lost', error, raw: reason })
  }

  #onDisconnected(reason: unknown): void {
    const disconnection = disconnectionOf(reason)
    if (this.#phase === 'connecting') {
      this.#failAttempt(
        disconnection.error ?? new CallportError('CONNECTION_FAILED', `Vidyo ended the call while connecting: ${String(reason)}`, { provider: VIDYO_PROVIDER }),
      )
    } else if (this.#phase === 'connected') {
      this.#end({ ...disconnection, raw: reason })
    }
  }

  #close(): void {
    this.#phase = 'closed'
    this.#remote.clear()
    this.#unplugged.clear()
    this.#release?.()
  }

  #end(event: ConnectionEvents['disconnected'][0]): void {
    this.#close()
    this.emit('disconnected', event)
  }

  #add(vidyoParticipant: VidyoParticipant): Participant | undefined {
    const participant = participantOf(vidyoParticipant)
    if (participant?.providerParticipantId === undefined || this.#phase === 'closed') return undefined
    const known = this.#remote.get(participant.providerParticipantId)
    if (known) return known
    this.#remote.set(participant.providerParticipantId, participant)
    this.emit('participant-joined', { participant, raw: vidyoParticipant })
    return participant
  }

  #onLeft(vidyoParticipant: VidyoParticipant): void {
    const id = participantOf(vidyoParticipant)?.providerParticipantId
    const participant = id === undefined ? undefined : this.#remote.get(id)
    if (id === undefined || participant === undefined) return
    this.#remote.delete(id)
    this.emit('participant-left', { participant, raw: vidyoParticipant })
  }

  #onDynamicChanged(vidyoParticipants: VidyoParticipant[], cameras: unknown[]): void {
    // Everyone the view shows is in the room: add any participant whose onJoined was missed.
    const participants = (Array.isArray(vidyoParticipants) ? vidyoParticipants : [])
      .map((vidyoParticipant) => this.#add(vidyoParticipant))
      .filter((participant): participant is Participant => participant !== undefined)
    this.#options.onDynamicParticipantsChanged?.({ participants, raw: { participants: vidyoParticipants, cameras } })
  }

  #onLoudestChanged(vidyoParticipant: VidyoParticipant, audioOnly: boolean): void {
    const mapped = participantOf(vidyoParticipant)
    const participant = (mapped?.providerParticipantId && this.#remote.get(mapped.providerParticipantId)) || mapped
    if (participant) this.#options.onLoudestParticipantChanged?.({ participant, audioOnly, raw: { participant: vidyoParticipant, audioOnly } })
  }
}
