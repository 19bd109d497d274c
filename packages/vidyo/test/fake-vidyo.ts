import type { VerifiedVidyoToken } from '../src/server/verify-token'
import { verifyVidyoToken } from '../src/server/verify-token'
import type {
  VidyoClient,
  VidyoConnector,
  VidyoConnectorConnectOptions,
  VidyoConnectorConstructOptions,
  VidyoConnectorDisconnectReason,
  VidyoConnectorFailReason,
  VidyoLocalDevice,
  VidyoLocalDeviceEventListener,
  VidyoParticipant,
  VidyoParticipantEventListener,
  VidyoReconnectEventListener,
} from '../src/client/vidyo-client-types'

/**
 * A fake Vidyo.io service and VidyoClient.js: connectors joined to the same resourceId see each
 * other's onJoined / onLeft, and `Connect` checks the token with the real verifier, as Vidyo would,
 * and refuses what Vidyo refuses: a resourceId or a token user name that is not only letters and
 * digits (Vidyo's "Generate a Token" help page: "cannot contain any spaces or special characters").
 * The classes implement the interfaces the adapter is written against, so the compiler keeps them
 * in step with vidyo-client-types.ts.
 */

/** What Vidyo.io accepts as a resourceId and as the user name in a token. */
const alphanumeric = /^[A-Za-z0-9]+$/

interface Member {
  participant: VidyoParticipant
  listener: VidyoParticipantEventListener | undefined
}

/** Callbacks run later, as the SDK's do. */
const later = (callback: () => void): void => {
  setTimeout(callback, 0)
}

export class FakeVidyoCloud {
  readonly rooms = new Map<string, Map<string, Member>>()
  readonly clients: FakeVidyoClient[] = []
  #nextId = 0

  constructor(readonly account: { developerKey: string; appId: string; host: string }) {}

  createClient(): FakeVidyoClient {
    const client = new FakeVidyoClient(this)
    this.clients.push(client)
    return client
  }

  /** Every connector any client of this cloud created. */
  get connectors(): FakeVidyoConnector[] {
    return this.clients.flatMap((client) => client.connectors)
  }

  nextParticipantId(): string {
    this.#nextId += 1
    return `vidyo-participant-${this.#nextId}`
  }

  verify(token: string): VerifiedVidyoToken {
    return verifyVidyoToken(token, { developerKey: this.account.developerKey, appId: this.account.appId })
  }

  /**
   * The token's user when Vidyo would let its holder connect now: signed with this account's key
   * for its app id, not expired, and for an alphanumeric user name; undefined otherwise.
   */
  admit(token: string): VerifiedVidyoToken | undefined {
    let user: VerifiedVidyoToken
    try {
      user = this.verify(token)
    } catch {
      return undefined
    }
    return alphanumeric.test(user.userName) ? user : undefined
  }

  /** Vidyo rooms are implicit: every alphanumeric resourceId can be connected to. */
  accepts(resourceId: string): boolean {
    return alphanumeric.test(resourceId)
  }

  enter(resourceId: string, member: Member): void {
    const room = this.rooms.get(resourceId) ?? new Map<string, Member>()
    this.rooms.set(resourceId, room)
    for (const other of room.values()) {
      later(() => other.listener?.onJoined(member.participant))
      later(() => member.listener?.onJoined(other.participant))
    }
    room.set(member.participant.id, member)
  }

  leave(resourceId: string, participantId: string): void {
    const room = this.rooms.get(resourceId)
    const member = room?.get(participantId)
    if (!room || !member) return
    room.delete(participantId)
    for (const other of room.values()) later(() => other.listener?.onLeft(member.participant))
  }

  /** Someone joining from another device with a token for `userName`, seen by everyone in the room. */
  joinRemote(resourceId: string, userName: string, name = userName): { participant: VidyoParticipant; leave(): Promise<void> } {
    if (!alphanumeric.test(userName)) throw new Error(`Vidyo refuses the user name "${userName}": letters and digits only`)
    if (!alphanumeric.test(resourceId)) throw new Error(`Vidyo refuses the resourceId "${resourceId}": letters and digits only`)
    const participant: VidyoParticipant = { id: this.nextParticipantId(), name, userId: `${userName}@${this.account.appId}` }
    this.enter(resourceId, { participant, listener: undefined })
    return {
      participant,
      leave: async () => {
        this.leave(resourceId, participant.id)
      },
    }
  }
}

export type DeviceKind = 'camera' | 'microphone' | 'speaker'

/** The machine's devices, the first of each kind being the system default. */
export const defaultDevices = (): Record<DeviceKind, VidyoLocalDevice[]> => ({
  camera: [{ id: 'camera-1', name: 'Built-in camera' }],
  microphone: [{ id: 'default', name: 'Default - Built-in microphone' }],
  speaker: [{ id: 'default', name: 'Default - Built-in speakers' }],
})

/** The names of the SDK's local device listener registrations, by device kind. */
const registrations = {
  camera: 'RegisterLocalCameraEventListener',
  microphone: 'RegisterLocalMicrophoneEventListener',
  speaker: 'RegisterLocalSpeakerEventListener',
} as const

export class FakeVidyoClient implements VidyoClient {
  readonly connectors: FakeVidyoConnector[] = []
  /** The devices of the machine this page runs on. */
  devices: Record<DeviceKind, VidyoLocalDevice[]> = defaultDevices()
  /** Makes the next CreateVidyoConnector reject with this. */
  failNextCreate: unknown = undefined
  /** Runs on each new connector before the adapter gets it (to plan its Connect outcome). */
  prepare: ((connector: FakeVidyoConnector) => void) | undefined

  constructor(readonly cloud: FakeVidyoCloud) {}

  async CreateVidyoConnector(options: VidyoConnectorConstructOptions): Promise<VidyoConnector> {
    if (this.failNextCreate !== undefined) {
      const failure = this.failNextCreate
      this.failNextCreate = undefined
      throw failure
    }
    const connector = new FakeVidyoConnector(this.cloud, options, this.devices)
    this.prepare?.(connector)
    this.connectors.push(connector)
    return connector
  }
}

export class FakeVidyoConnector implements VidyoConnector {
  readonly calls: Array<{ method: string; argument?: unknown }> = []
  cameraPrivacy = false
  microphonePrivacy = false
  participantListener: VidyoParticipantEventListener | undefined
  reconnectListener: VidyoReconnectEventListener | undefined
  connectOptions: VidyoConnectorConnectOptions | undefined
  /**
   * The outcome of the next Connect: the service decides by default. `hang`: Connect answers but no
   * callback ever comes; `stall`: Connect itself never answers.
   */
  nextConnect: { startsConnecting?: boolean; failure?: VidyoConnectorFailReason; hang?: boolean; stall?: boolean } = {}
  /** Privacy methods answer false (refused). */
  refusePrivacy = false
  /**
   * Which device of each kind is selected. As VidyoConnector.h says of VidyoConnectorConstruct ("If
   * viewId is valid the device detection will start implicitly and default devices will be selected,
   * otherwise … the device detection will not start until the appropriate event listeners are
   * registered such as VidyoConnectorRegisterLocalCameraEventListener()"), and as VidyoClient
   * 22.3.0.0058 does (CreateEndpoint starts detection for a composite view; the endpoint selects the
   * default device as each is added): with a viewId the defaults are selected at once, without one
   * nothing is until that kind's listener is registered.
   */
  readonly selected: Record<DeviceKind, VidyoLocalDevice | null> = { camera: null, microphone: null, speaker: null }
  readonly deviceListeners: Partial<Record<DeviceKind, VidyoLocalDeviceEventListener>> = {}
  /** The selected devices when Connect was called. */
  selectedAtConnect: Record<DeviceKind, VidyoLocalDevice | null> | undefined
  #member: { resourceId: string; participant: VidyoParticipant } | undefined

  constructor(
    readonly cloud: FakeVidyoCloud,
    readonly constructOptions: VidyoConnectorConstructOptions,
    readonly devices: Record<DeviceKind, VidyoLocalDevice[]> = defaultDevices(),
  ) {
    if (constructOptions.viewId) for (const kind of Object.keys(registrations) as DeviceKind[]) this.#selectDefault(kind)
  }

  #selectDefault(kind: DeviceKind): void {
    if (this.selected[kind] !== null) return
    const device = this.devices[kind][0] ?? null
    this.selected[kind] = device
    const listener = this.deviceListeners[kind]
    if (device && listener) listener.onSelected(device)
  }

  /**
   * VidyoClient 22.3.0.0058's RegisterLocal…EventListener: refuses a listener without all four
   * callbacks, reports every existing device with onAdded, then (detection done) selects the default
   * device if none is selected, or reports the selected one with onSelected, and resolves true.
   */
  async #registerDevices(kind: DeviceKind, listener: VidyoLocalDeviceEventListener): Promise<boolean> {
    this.calls.push({ method: registrations[kind] })
    for (const callback of ['onAdded', 'onRemoved', 'onSelected', 'onStateUpdated'] as const) {
      if (typeof listener?.[callback] !== 'function') throw new Error(`Validation error in "${registrations[kind]}": required field "${callback}" is not found.`)
    }
    this.deviceListeners[kind] = listener
    for (const device of this.devices[kind]) listener.onAdded(device)
    const current = this.selected[kind]
    if (current) listener.onSelected(current)
    else this.#selectDefault(kind)
    return true
  }

  RegisterLocalCameraEventListener(listener: VidyoLocalDeviceEventListener): Promise<boolean> {
    return this.#registerDevices('camera', listener)
  }

  RegisterLocalMicrophoneEventListener(listener: VidyoLocalDeviceEventListener): Promise<boolean> {
    return this.#registerDevices('microphone', listener)
  }

  RegisterLocalSpeakerEventListener(listener: VidyoLocalDeviceEventListener): Promise<boolean> {
    return this.#registerDevices('speaker', listener)
  }

  /** A device of `kind` is unplugged: the SDK reports onRemoved, and onSelected(null) when it was the selected one. */
  unplug(kind: DeviceKind, id: string): void {
    const device = this.devices[kind].find((candidate) => candidate.id === id)
    if (!device) return
    this.devices[kind] = this.devices[kind].filter((candidate) => candidate !== device)
    this.deviceListeners[kind]?.onRemoved(device)
    if (this.selected[kind]?.id === id) {
      this.selected[kind] = null
      this.deviceListeners[kind]?.onSelected(null)
    }
  }

  /** A device of `kind` is plugged in: the SDK reports onAdded (the selection stays). */
  plug(kind: DeviceKind, device: VidyoLocalDevice): void {
    this.devices[kind] = [...this.devices[kind], device]
    this.deviceListeners[kind]?.onAdded(device)
  }

  /** Makes the Select… methods answer false (refused). */
  refuseSelect = false

  /**
   * VidyoConnectorSelectLocalCamera / …Microphone / …Speaker (JS: `SelectLocalCamera({ localCamera })`
   * with a device onAdded reported): the device becomes the selected one and the listener's onSelected
   * reports it (asynchronously, as the SDK's callbacks come, unless another took its place meanwhile),
   * and it resolves true. A device the
   * machine does not have resolves false.
   */
  async #select(kind: DeviceKind, method: string, device: VidyoLocalDevice): Promise<boolean> {
    this.calls.push({ method, argument: device })
    const known = this.devices[kind].find((candidate) => candidate.id === device?.id)
    if (this.refuseSelect || !known) return false
    this.selected[kind] = known
    later(() => {
      if (this.selected[kind] === known) this.deviceListeners[kind]?.onSelected(known)
    })
    return true
  }

  SelectLocalCamera(options: { localCamera: VidyoLocalDevice }): Promise<boolean> {
    return this.#select('camera', 'SelectLocalCamera', options.localCamera)
  }

  SelectLocalMicrophone(options: { localMicrophone: VidyoLocalDevice }): Promise<boolean> {
    return this.#select('microphone', 'SelectLocalMicrophone', options.localMicrophone)
  }

  SelectLocalSpeaker(options: { localSpeaker: VidyoLocalDevice }): Promise<boolean> {
    return this.#select('speaker', 'SelectLocalSpeaker', options.localSpeaker)
  }

  get connected(): boolean {
    return this.#member !== undefined
  }

  async RegisterParticipantEventListener(listener: VidyoParticipantEventListener): Promise<boolean> {
    this.calls.push({ method: 'RegisterParticipantEventListener' })
    this.participantListener = listener
    return true
  }

  async RegisterReconnectEventListener(listener: VidyoReconnectEventListener): Promise<boolean> {
    this.calls.push({ method: 'RegisterReconnectEventListener' })
    // VidyoClient 22.3.0.0058's argument check requires all three callbacks.
    for (const callback of ['onReconnecting', 'onReconnected', 'onConferenceLost'] as const) {
      if (typeof listener?.[callback] !== 'function') throw new Error(`Validation error in "RegisterReconnectEventListener": required field "${callback}" is not found.`)
    }
    this.reconnectListener = listener
    return true
  }

  async SetCameraPrivacy(options: { privacy: boolean }): Promise<boolean> {
    this.calls.push({ method: 'SetCameraPrivacy', argument: options })
    if (this.refusePrivacy) return false
    this.cameraPrivacy = options.privacy
    return true
  }

  async SetMicrophonePrivacy(options: { privacy: boolean }): Promise<boolean> {
    this.calls.push({ method: 'SetMicrophonePrivacy', argument: options })
    if (this.refusePrivacy) return false
    this.microphonePrivacy = options.privacy
    return true
  }

  async Connect(options: VidyoConnectorConnectOptions): Promise<boolean> {
    this.calls.push({ method: 'Connect', argument: options })
    this.connectOptions = options
    this.selectedAtConnect = { ...this.selected }
    const plan = this.nextConnect
    this.nextConnect = {}
    if (plan.startsConnecting === false) return false
    if (plan.stall) return new Promise<boolean>(() => undefined)
    if (plan.hang) return true
    later(() => {
      if (plan.failure) return options.onFailure(plan.failure)
      if (options.host !== this.cloud.account.host) return options.onFailure('VIDYO_CONNECTORFAILREASON_ConnectionFailed')
      if (!this.cloud.accepts(options.resourceId)) return options.onFailure('VIDYO_CONNECTORFAILREASON_InvalidResourceId')
      const user = this.cloud.admit(options.token)
      if (user === undefined) return options.onFailure('VIDYO_CONNECTORFAILREASON_InvalidToken')
      const participant = { id: this.cloud.nextParticipantId(), name: options.displayName, userId: `${user.userName}@${user.appId}` }
      this.#member = { resourceId: options.resourceId, participant }
      this.cloud.enter(options.resourceId, { participant, listener: this.participantListener })
      options.onSuccess()
    })
    return true
  }

  async Disconnect(): Promise<boolean> {
    this.calls.push({ method: 'Disconnect' })
    const wasConnected = this.#leave()
    const onDisconnected = this.connectOptions?.onDisconnected
    if (wasConnected && onDisconnected) later(() => onDisconnected('VIDYO_CONNECTORDISCONNECTREASON_Disconnected'))
    return true
  }

  /** The service or the network ends the call. */
  drop(reason: VidyoConnectorDisconnectReason): void {
    this.#leave()
    this.connectOptions?.onDisconnected(reason)
  }

  #leave(): boolean {
    const member = this.#member
    this.#member = undefined
    if (member) this.cloud.leave(member.resourceId, member.participant.id)
    return member !== undefined
  }
}
