import { FakeMediaStreamTrack } from '@callport/test-environment'
import type { JanusJS } from 'janus-gateway'
import { parseSdp, writeSdp, type FakeJanusServer, type JanusJson, type SdpMLine } from './fake-videoroom'

/**
 * A fake of janus.js (npm `janus-gateway`, `npm/dist/janus.es.js`; the same code as the demos'
 * `html/demos/janus.js` in meetecho/janus-gateway) over a FakeJanusServer (test/fake-videoroom.ts),
 * for Node, where there is no WebRTC. Its `Janus` class is typed with janus-gateway's own declarations
 * (`npm/janus.d.ts`, test/fake-janus-js.test-d.ts) and behaves as janus.js does:
 *
 * - `Janus.init` must run first (else the constructor's `error` says "Library not initialized");
 *   `new Janus({ server, token, success, error })` creates the session (`create` with the token), then
 *   `success`; a refusal calls `error` with Janus's reason (`createSession`). The transport is the
 *   WebSocket one's: events pushed to the session; Janus timing the session out (`timeout`) closes it
 *   and calls `error("Lost connection to the server (is it down?)")`.
 * - `attach` sends `attach` with the handle's token (or the session's) and calls `success(handle)`, or
 *   `error("Ooops: <code> <reason>")` (`createHandle`).
 * - `handle.send` calls `success(data)` for a synchronous answer, `success()` for an `ack`, `error("<code>
 *   <reason>")` for a Janus error (`sendMessage`). Plugin events reach `onmessage(data, jsep)`;
 *   `webrtcup` → `webrtcState(true)`; `hangup` → `webrtcState(false, reason)` then `hangup()`.
 * - `createOffer({ tracks })`: each entry's `capture` (a MediaStreamTrack is used as given, `dontStop`
 *   marking it; `true` or constraints capture through `navigator.mediaDevices`, `screen` through
 *   getDisplayMedia), `onlocaltrack(track, true)` per track, then `success(offer)`; `add` / `replace` /
 *   `remove` entries renegotiate an existing PeerConnection (`captureDevices`). A capture failure
 *   calls `error(error)`.
 * - `createAnswer({ jsep })` applies the remote offer first: a newly received m-line fires
 *   `onremotetrack(track, mid, true, { reason: 'created' })` (`pc.ontrack`); one turned inactive mutes its
 *   receiver's track, and 3 × 840 ms later, still muted, `onremotetrack(track, mid, false, { reason:
 *   'mute' })`; one active again unmutes it (`onremotetrack(…, true, { reason: 'unmute' })` unless the
 *   timer was still running). Then `success(answer)`.
 * - `handleRemoteJsep({ jsep })` applies the answer and calls `success`. Once both descriptions are set,
 *   ICE connects (`iceState('connected')`) and Janus sends `webrtcup`.
 * - `muteAudio` / `muteVideo` (and un…) set `enabled` on the local tracks; `replaceTracks` swaps a
 *   sender's track (`onlocaltrack(old, false)`, the old one stopped unless `dontStop`, then
 *   `onlocaltrack(new, true)`); `hangup(sendRequest)` stops the local tracks it captured (not those
 *   marked `dontStop`), closes the PeerConnection (Janus notices: its media hangs up) and calls
 *   `oncleanup`; `detach` does that and sends `detach` (unless `noRequest`); `destroy({ cleanupHandles })`
 *   detaches every handle without requests, then sends `destroy`.
 *   A `data` entry adds a data channel (m=application): a data-only offer still connects ICE; an
 *   offer with no m-line never does (no transport).
 * - `getLocalTracks` / `getRemoteTracks` list the senders' / receivers' tracks (`type` is the track's
 *   kind), or answer null before there is a PeerConnection.
 * - `handle.webrtcStuff.pc` is a FakePeerConnection: transceivers with mids, `connectionState` /
 *   `iceConnectionState`, and `getStats()` reporting what the page's `network` (a back door) says of
 *   its link and of the publishers it receives from (inbound-rtp per mid, remote-inbound-rtp, the
 *   selected candidate pair); receivers' `getSynchronizationSources()` carry the relayed audio level.
 * - A receiver whose RTP stops (a stream the moderator muted: FakeJanusServer `onRtpFlow`) mutes its
 *   track as a browser does, so janus.js's mute handler reports it 3 × 840 ms later.
 * - Back doors: `session.network`, `handle.setIceState(state)`, `Janus.sessions`, `Janus.remoteTrackCalls`.
 *
 * test/fake-videoroom.test.ts runs janus-gateway's own janus.es.js and this fake through the same calls
 * (without media) and compares every callback, its arguments and error texts.
 */

/** What the fake's network looks like from one page: the figures a browser's getStats would show. */
export interface FakeNetwork {
  /** Fraction of packets lost, 0 to 1. */
  loss: number
  /** Round-trip time, ms. */
  rttMs: number
  /** Interarrival jitter, ms. */
  jitterMs: number
  /** Nothing arrives any more (the link is down, ICE not yet noticing). */
  silent?: boolean
}

/** The network of a page with nothing wrong. */
export const goodNetwork: FakeNetwork = { loss: 0, rttMs: 20, jitterMs: 2 }

/** Packets a stream carries per second, for the counters getStats reports. */
const PACKETS_PER_SECOND = 50

/** A track janus.js may mark `dontStop` (it sets the property on the MediaStreamTrack). */
type LocalTrack = MediaStreamTrack & { dontStop?: boolean }

/** A receiver's track: a FakeMediaStreamTrack that can be muted by the far side (no RTP). */
export class FakeRemoteMediaStreamTrack extends FakeMediaStreamTrack {
  muted = false
  onmute: ((event: Event) => void) | null = null
  onunmute: ((event: Event) => void) | null = null

  /** The far side stopped or resumed sending: `mute` / `unmute`. */
  setMuted(muted: boolean): void {
    if (this.muted === muted || this.readyState === 'ended') return
    this.muted = muted
    const event = new Event(muted ? 'mute' : 'unmute')
    this.dispatchEvent(event)
    ;(muted ? this.onmute : this.onunmute)?.(event)
  }
}

/** One RTCRtpTransceiver of the fake PeerConnection. */
export interface FakeTransceiver {
  mid: string | null
  kind: 'audio' | 'video' | 'application'
  direction: RTCRtpTransceiverDirection
  /** The direction negotiated (from the remote description). */
  currentDirection: RTCRtpTransceiverDirection | null
  sender: { track: LocalTrack | null; replaceTrack(track: MediaStreamTrack | null): Promise<void> }
  receiver: {
    track: FakeRemoteMediaStreamTrack
    /** The contributing source of what this receiver plays, with the audio level of its RTP audio-level extension (0 to 1). */
    getSynchronizationSources(): RTCRtpSynchronizationSource[]
  }
}

/** Per-stream counters behind getStats. */
interface StreamCounters {
  received: number
  lost: number
  at: number
}

/** What the fake PeerConnection needs to know of the network: its page's link, and where each received mid comes from. */
export interface FakePeerConnectionNetwork {
  /** This page's own link. */
  own(): FakeNetwork
  /** The link of the publisher whose stream this received mid relays, if any. */
  sourceOf(mid: string): FakeNetwork | undefined
  /** The audio level (0 to 1) of the audio stream this received mid relays, if any. */
  audioLevelOf(mid: string): number | undefined
}

/** An RTCPeerConnection stand-in: transceivers, states, and getStats from the fake network. */
export class FakePeerConnection {
  connectionState: RTCPeerConnectionState = 'new'
  iceConnectionState: RTCIceConnectionState = 'new'
  signalingState: RTCSignalingState = 'stable'
  readonly transceivers: FakeTransceiver[] = []
  readonly configuration: RTCConfiguration
  #nextMid = 0
  readonly #counters = new Map<string, StreamCounters>()
  readonly #network: FakePeerConnectionNetwork

  constructor(configuration: RTCConfiguration, network: FakePeerConnectionNetwork) {
    this.configuration = configuration
    this.#network = network
  }

  getTransceivers(): FakeTransceiver[] {
    return [...this.transceivers]
  }

  getSenders(): FakeTransceiver['sender'][] {
    return this.transceivers.map((transceiver) => transceiver.sender)
  }

  getReceivers(): FakeTransceiver['receiver'][] {
    return this.transceivers.map((transceiver) => transceiver.receiver)
  }

  addTransceiver(kind: 'audio' | 'video' | 'application', direction: RTCRtpTransceiverDirection, track: LocalTrack | null, mid: string | null = null): FakeTransceiver {
    const transceiver: FakeTransceiver = {
      mid,
      kind,
      direction,
      currentDirection: null,
      sender: {
        track,
        replaceTrack: async (next) => {
          transceiver.sender.track = next
        },
      },
      receiver: {
        track: new FakeRemoteMediaStreamTrack(kind === 'audio' ? 'audio' : 'video', `remote ${kind}`, undefined),
        getSynchronizationSources: () => {
          const receiving = transceiver.currentDirection === 'recvonly' || transceiver.currentDirection === 'sendrecv'
          const level = receiving && transceiver.mid !== null ? this.#network.audioLevelOf(transceiver.mid) : undefined
          return level === undefined ? [] : [{ source: 1, timestamp: performance.now(), rtpTimestamp: 0, audioLevel: level }]
        },
      },
    }
    this.transceivers.push(transceiver)
    return transceiver
  }

  /** Gives the transceivers without a mid theirs, as createOffer does. */
  assignMids(): void {
    for (const transceiver of this.transceivers) {
      if (transceiver.mid !== null) continue
      while (this.transceivers.some((other) => other.mid === String(this.#nextMid))) this.#nextMid += 1
      transceiver.mid = String(this.#nextMid)
      this.#nextMid += 1
    }
  }

  setState(state: 'connected' | 'failed' | 'disconnected' | 'closed'): void {
    this.iceConnectionState = state
    this.connectionState = state
  }

  close(): void {
    this.setState('closed')
    this.signalingState = 'closed'
    // Closing ends the receivers' tracks, with no `ended` event (as browsers do).
    for (const transceiver of this.transceivers) transceiver.receiver.track.stop()
  }

  /** Inbound and outbound RTP, remote-inbound, transport and the selected candidate pair, as Chromium reports them. */
  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    const report = new Map<string, Record<string, unknown>>()
    const own = this.#network.own()
    const now = Date.now()
    const add = (stat: Record<string, unknown> & { id: string }) => report.set(stat.id, { timestamp: now, ...stat })
    const advance = (key: string, network: FakeNetwork): StreamCounters => {
      const counters = this.#counters.get(key) ?? { received: 0, lost: 0, at: now - 1000 }
      const packets = network.silent ? 0 : Math.round(((now - counters.at) / 1000) * PACKETS_PER_SECOND)
      const lost = Math.round(packets * network.loss)
      const next = { received: counters.received + packets - lost, lost: counters.lost + lost, at: now }
      this.#counters.set(key, next)
      return next
    }
    let receivedOnPair = 0
    for (const transceiver of this.transceivers) {
      if (transceiver.kind === 'application' || transceiver.mid === null) continue
      const receiving = transceiver.currentDirection === 'recvonly' || transceiver.currentDirection === 'sendrecv'
      const sending = transceiver.currentDirection === 'sendonly' || transceiver.currentDirection === 'sendrecv'
      if (receiving) {
        const source = this.#network.sourceOf(transceiver.mid)
        const path: FakeNetwork = {
          loss: 1 - (1 - own.loss) * (1 - (source?.loss ?? 0)),
          rttMs: own.rttMs,
          jitterMs: own.jitterMs + (source?.jitterMs ?? 0),
          silent: own.silent === true || source?.silent === true,
        }
        const counters = advance(`in-${transceiver.mid}`, path)
        receivedOnPair += counters.received
        add({
          id: `IT${transceiver.mid}`,
          type: 'inbound-rtp',
          kind: transceiver.kind,
          mid: transceiver.mid,
          trackIdentifier: transceiver.receiver.track.id,
          packetsReceived: counters.received,
          packetsLost: counters.lost,
          jitter: path.jitterMs / 1000,
        })
      }
      if (sending) {
        add({ id: `OT${transceiver.mid}`, type: 'outbound-rtp', kind: transceiver.kind, mid: transceiver.mid, packetsSent: Math.round((now / 1000) * PACKETS_PER_SECOND) })
        add({
          id: `RI${transceiver.mid}`,
          type: 'remote-inbound-rtp',
          kind: transceiver.kind,
          localId: `OT${transceiver.mid}`,
          fractionLost: own.loss,
          roundTripTime: own.rttMs / 1000,
          jitter: own.jitterMs / 1000,
        })
      }
    }
    // RTCP and STUN keep arriving on the pair while the link is up.
    const pair = advance('pair', own)
    add({ id: 'T01', type: 'transport', selectedCandidatePairId: 'CP01' })
    add({ id: 'CP01', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: own.rttMs / 1000, packetsReceived: pair.received + receivedOnPair })
    return report
  }
}

/** A janus.js plugin handle (janus.js's `pluginHandle` object), as far as the client half uses it. */
export interface FakePluginHandle extends Pick<
  JanusJS.PluginHandle,
  | 'plugin'
  | 'id'
  | 'token'
  | 'detached'
  | 'getId'
  | 'getPlugin'
  | 'send'
  | 'createOffer'
  | 'createAnswer'
  | 'handleRemoteJsep'
  | 'replaceTracks'
  | 'isAudioMuted'
  | 'muteAudio'
  | 'unmuteAudio'
  | 'isVideoMuted'
  | 'muteVideo'
  | 'unmuteVideo'
  | 'getLocalTracks'
  | 'getRemoteTracks'
  | 'hangup'
  | 'detach'
> {
  /** janus.js's `myStream` is left out: the local tracks are the senders' (what the client half reads is the PeerConnection). */
  webrtcStuff: { pc: FakePeerConnection | null; started: boolean; remoteSdp: string | null; mySdp: JanusJS.JSEP | null }
}

/** What every fake Janus class shares: the FakeJanusServer it reaches, and janus.js's init state. */
interface FakeJanusStatics {
  server: FakeJanusServer
  initDone: boolean
  dependencies: JanusJS.DependenciesResult | undefined
}

/** `navigator.mediaDevices` of the test (fake devices), for `capture: true` entries. */
function mediaDevices(): Pick<MediaDevices, 'getUserMedia' | 'getDisplayMedia'> {
  const devices = (globalThis as { navigator?: { mediaDevices?: Pick<MediaDevices, 'getUserMedia' | 'getDisplayMedia'> } }).navigator?.mediaDevices
  if (!devices) throw new DOMException('navigator.mediaDevices is not available', 'NotSupportedError')
  return devices
}

const randomString = (length: number): string =>
  Array.from({ length }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)]).join('')

/** After this turn of the event loop (janus.js's callbacks come from network events). */
const later = (work: () => void): void => void setTimeout(work, 0)

/** How long janus.js waits before telling a muted remote track gone (3 × 840 ms). */
export const REMOTE_MUTE_GRACE_MS = 3 * 840

/**
 * Makes a fake janus.js `Janus` class over `server` (each call a class of its own, with its own
 * `Janus.init` state, as each load of janus.js has).
 */
export function createFakeJanusJs(server: FakeJanusServer) {
  const statics: FakeJanusStatics = { server, initDone: false, dependencies: undefined }

  /** janus.js's `Janus`: one session. */
  class FakeJanus {
    static webRTCAdapter: unknown = undefined
    static safariVp8 = false

    static init(options: JanusJS.InitOptions): void {
      if (statics.initDone) {
        if (typeof options.callback === 'function') options.callback()
        return
      }
      statics.dependencies = options.dependencies
      FakeJanus.webRTCAdapter = (options.dependencies as { webRTCAdapter?: unknown } | undefined)?.webRTCAdapter
      statics.initDone = true
      if (typeof options.callback === 'function') options.callback()
    }

    static useDefaultDependencies(deps?: Partial<JanusJS.DefaultDependencies>): JanusJS.DependenciesResult {
      const dependencies: JanusJS.DependenciesResult = {
        adapter: deps?.adapter,
        newWebSocket: (address: string, protocol: string) => new WebSocket(address, protocol),
        isArray: (array: unknown): array is unknown[] => Array.isArray(array),
        extension: { extensionId: '', isInstalled: () => false, getScreen: () => undefined, init: () => undefined },
        httpAPICall: () => undefined,
      }
      // janus.js names it webRTCAdapter (janus-gateway's declarations say adapter): both.
      return Object.assign(dependencies, { webRTCAdapter: deps?.adapter })
    }

    static isWebrtcSupported(): boolean {
      return true
    }

    static randomString(length: number): string {
      return randomString(length)
    }

    /** The FakeJanusServer this class reaches. */
    static get server(): FakeJanusServer {
      return statics.server
    }

    /** Every session made with this class and not destroyed (the test's view of the pages' janus.js). */
    static readonly sessions = new Set<FakeJanus>()

    /** Every `onremotetrack` call this class's handles made, in order (what janus.js told the pages). */
    static readonly remoteTrackCalls: Array<{ session: number; mid: string; on: boolean; reason: string }> = []

    readonly #options: JanusJS.ConstructorOptions
    #sessionId: number | undefined
    #connected = false
    readonly #handles = new Map<number, FakeHandle>()
    /** This page's network, as the back door sets it. */
    network: FakeNetwork = { ...goodNetwork }

    constructor(options: JanusJS.ConstructorOptions) {
      this.#options = options
      if (!statics.initDone) {
        options.error?.('Library not initialized')
        return
      }
      const servers = Array.isArray(options.server) ? options.server : [options.server]
      later(() => void this.#createSession(servers))
    }

    async #createSession(servers: string[]): Promise<void> {
      if (!servers.includes(statics.server.url)) {
        this.#options.error?.(
          servers.length > 1 ? 'Error connecting to any of the provided Janus servers: Is the server down?' : 'Lost connection to the server (is it down?)',
        )
        return
      }
      const answer = await statics.server.request({}, { janus: 'create', transaction: randomString(12), ...(this.#options.token ? { token: this.#options.token } : {}) })
      if (answer.janus !== 'success') {
        this.#options.error?.((answer.error as { reason: string }).reason)
        return
      }
      this.#sessionId = (answer.data as { id: number }).id
      this.#connected = true
      FakeJanus.sessions.add(this)
      statics.server.listen(this.#sessionId, (event) => this.#handleEvent(event))
      this.#options.success?.()
    }

    /** janus.js `handleEvent`. */
    #handleEvent(json: JanusJson): void {
      if (json.janus === 'timeout') {
        // The WebSocket is closed with 3504; its close handler reports the lost connection.
        this.#connected = false
        FakeJanus.sessions.delete(this)
        this.#options.error?.('Lost connection to the server (is it down?)')
        return
      }
      const handle = typeof json.sender === 'number' ? this.#handles.get(json.sender) : undefined
      if (!handle) return
      if (json.janus === 'event') {
        const data = (json.plugindata as { data: JanusJS.Message } | undefined)?.data
        if (data) handle.callbacks.onmessage?.(data, json.jsep as JanusJS.JSEP | undefined)
      } else if (json.janus === 'webrtcup') handle.callbacks.webrtcState?.(true)
      else if (json.janus === 'hangup') {
        // janus.js passes Janus's reason too, which janus-gateway's declarations leave out.
        const webrtcState: ((on: boolean, reason?: string) => void) | undefined = handle.callbacks.webrtcState
        webrtcState?.(false, typeof json.reason === 'string' ? json.reason : undefined)
        handle.cleanupWebrtc(false)
      } else if (json.janus === 'detached') {
        handle.callbacks.ondetached?.()
        handle.destroy({ noRequest: true })
      } else if (json.janus === 'media') handle.callbacks.mediaState?.(json.type as 'audio' | 'video', json.receiving as boolean, json.mid as number | undefined)
      else if (json.janus === 'slowlink') handle.callbacks.slowLink?.(json.uplink as boolean, json.lost as number, json.mid as string)
    }

    /** A Janus API request on this session (the transport). */
    async request(path: { handle?: number }, body: JanusJson): Promise<JanusJson> {
      return statics.server.request({ session: this.#sessionId!, ...path }, { transaction: randomString(12), ...body })
    }

    /** The page's network changed (for the other handles' stats too). */
    get sessionIdOrUndefined(): number | undefined {
      return this.#sessionId
    }

    attach(options: JanusJS.PluginOptions): void {
      if (!this.#connected) {
        options.error?.('Is the server down? (connected=false)')
        return
      }
      if (!options.plugin) {
        options.error?.('Invalid plugin')
        return
      }
      const token = options.token ?? this.#options.token
      void this.request({}, { janus: 'attach', plugin: options.plugin, ...(options.opaqueId ? { opaque_id: options.opaqueId } : {}), ...(token ? { token } : {}) }).then(
        (answer) => {
          if (answer.janus !== 'success') {
            const error = answer.error as { code: number; reason: string }
            options.error?.(`Ooops: ${error.code} ${error.reason}`)
            return
          }
          const handle = new FakeHandle(this, (answer.data as { id: number }).id, options, token)
          this.#handles.set(handle.numericId, handle)
          options.success?.(handle as unknown as JanusJS.PluginHandle)
        },
      )
    }

    /** Forgets a handle (janus.js's `pluginHandles.delete`). */
    forget(handle: FakeHandle): void {
      this.#handles.delete(handle.numericId)
    }

    /** The handles of this session (janus.js's `pluginHandles`). */
    handles(): FakeHandle[] {
      return [...this.#handles.values()]
    }

    get connected(): boolean {
      return this.#connected
    }

    getServer(): string {
      return Array.isArray(this.#options.server) ? this.#options.server[0]! : this.#options.server
    }

    isConnected(): boolean {
      return this.#connected
    }

    getSessionId(): number {
      return this.#sessionId ?? 0
    }

    getInfo(callbacks: JanusJS.GetInfoOptions): void {
      void this.request({}, { janus: 'info' }).then((answer) => callbacks.success?.(answer))
    }

    reconnect(callbacks: JanusJS.ReconnectOptions): void {
      callbacks.error?.('Session claim is not supported by this fake')
    }

    destroy(callbacks: JanusJS.DestroyOptions): void {
      const notifyDestroyed = callbacks.notifyDestroyed ?? true
      if (this.#sessionId === undefined) {
        callbacks.success?.()
        if (notifyDestroyed) (this.#options.destroyed as (() => void) | undefined)?.()
        return
      }
      if (callbacks.cleanupHandles === true) for (const handle of [...this.#handles.values()]) handle.destroy({ noRequest: true })
      if (!this.#connected) {
        this.#sessionId = undefined
        callbacks.success?.()
        return
      }
      void this.request({}, { janus: 'destroy' }).then(() => {
        this.#connected = false
        FakeJanus.sessions.delete(this)
        this.#sessionId = undefined
        callbacks.success?.()
        if (notifyDestroyed) (this.#options.destroyed as (() => void) | undefined)?.()
      })
    }

    /** The fake PeerConnection's view of the network for a handle of this session. */
    networkOf(handle: FakeHandle): FakePeerConnectionNetwork {
      return {
        own: () => this.network,
        sourceOf: (mid) => {
          const source = statics.server.relayedFrom(this.#sessionId ?? 0, handle.numericId, mid)
          if (!source) return undefined
          return [...FakeJanus.sessions].find((session) => session.getSessionId() === source.session)?.network
        },
        audioLevelOf: (mid) => statics.server.relayedFrom(this.#sessionId ?? 0, handle.numericId, mid)?.audioLevel,
      }
    }

    /** The ICE servers janus.js hands RTCPeerConnection (its default is Google's public STUN server). */
    get iceServers(): RTCIceServer[] {
      return this.#options.iceServers ?? [{ urls: 'stun:stun.l.google.com:19302' }]
    }

    get iceTransportPolicy(): RTCIceTransportPolicy | undefined {
      return this.#options.iceTransportPolicy
    }
  }

  /** janus.js's `pluginHandle`, with its WebRTC half over a FakePeerConnection. */
  class FakeHandle implements FakePluginHandle {
    readonly plugin: string
    readonly id: string
    readonly numericId: number
    readonly token: string | undefined
    detached = false
    webrtcStuff: FakePluginHandle['webrtcStuff'] = { pc: null, started: false, remoteSdp: null, mySdp: null }
    readonly callbacks: JanusJS.PluginOptions
    readonly #session: FakeJanus
    /** janus.js's `trackMutedTimeoutId` per remote track. */
    readonly #muteTimers = new Map<FakeRemoteMediaStreamTrack, ReturnType<typeof setTimeout>>()
    /** The local tracks janus.js captured itself (stopped on hangup unless marked dontStop). */
    #iceConnected = false

    constructor(session: FakeJanus, id: number, callbacks: JanusJS.PluginOptions, token: string | undefined) {
      this.#session = session
      this.numericId = id
      // janus.js keeps the id Janus gave (a number) and declares it as a string.
      this.id = id as unknown as string
      this.plugin = callbacks.plugin
      this.token = token
      this.callbacks = callbacks
    }

    getId(): string {
      return this.id
    }

    getPlugin(): string {
      return this.plugin
    }

    send(parameters: JanusJS.PluginMessage): void {
      if (!this.#session.connected) {
        parameters.error?.('Is the server down? (connected=false)')
        return
      }
      if (this.detached) {
        parameters.error?.('Invalid handle')
        return
      }
      const jsep = parameters.jsep ? { type: parameters.jsep.type, sdp: parameters.jsep.sdp } : undefined
      void this.#session
        .request({ handle: this.numericId }, { janus: 'message', body: parameters.message, ...(this.token ? { token: this.token } : {}), ...(jsep ? { jsep } : {}) })
        .then((answer) => {
          if (answer.janus === 'success') {
            const plugindata = answer.plugindata as { data: unknown } | undefined
            if (plugindata) parameters.success?.(plugindata.data)
            else parameters.success?.()
          } else if (answer.janus !== 'ack') {
            const error = answer.error as { code: number; reason: string } | undefined
            parameters.error?.(error ? `${error.code} ${error.reason}` : 'Unknown error')
          } else parameters.success?.()
        })
    }

    #peerConnection(): FakePeerConnection {
      if (!this.webrtcStuff.pc) {
        this.webrtcStuff.pc = new FakePeerConnection(
          { iceServers: this.#session.iceServers, ...(this.#session.iceTransportPolicy ? { iceTransportPolicy: this.#session.iceTransportPolicy } : {}) },
          this.#session.networkOf(this),
        )
        this.#iceConnected = false
      }
      return this.webrtcStuff.pc
    }

    /** janus.js `captureDevices` / the track loop of `prepareWebrtc`: what the `tracks` entries ask of the senders. */
    async #applyTracks(tracks: readonly JanusJS.TrackOption[], offer: boolean): Promise<void> {
      const pc = this.#peerConnection()
      const renegotiating = pc.transceivers.length > 0
      for (const entry of tracks) {
        const type = entry.type
        if (type === 'data') {
          if (offer && !pc.transceivers.some((transceiver) => transceiver.kind === 'application')) pc.addTransceiver('application', 'sendrecv', null)
          continue
        }
        const kind = type === 'audio' ? 'audio' : 'video'
        // Without add/replace/remove on a new PeerConnection, every entry is an addition.
        const replace = entry.replace === true || (renegotiating && entry.add !== true && entry.remove !== true && entry.mid !== undefined)
        const existing =
          entry.mid !== undefined
            ? pc.transceivers.find((transceiver) => transceiver.mid === entry.mid)
            : replace || entry.remove
              ? pc.transceivers.find((transceiver) => transceiver.kind === kind && transceiver.sender.track !== null)
              : undefined
        if ((replace || entry.remove) && existing?.sender.track) {
          const old = existing.sender.track
          await existing.sender.replaceTrack(null)
          this.callbacks.onlocaltrack?.(old, false)
          if (old.dontStop !== true) old.stop()
        }
        if (entry.remove) {
          if (existing) existing.direction = entry.recv === true ? 'recvonly' : 'inactive'
          continue
        }
        let track: LocalTrack | null = null
        if (entry.capture instanceof Object && 'kind' in entry.capture && typeof entry.capture.stop === 'function') {
          track = entry.capture
        } else if (entry.capture) {
          const constraints = entry.capture === true ? true : (entry.capture as MediaTrackConstraints)
          const captured = type === 'screen' ? await mediaDevices().getDisplayMedia({ video: constraints }) : await mediaDevices().getUserMedia({ [kind]: constraints })
          track = (kind === 'audio' ? captured.getAudioTracks() : captured.getVideoTracks())[0] ?? null
        }
        if (track && entry.dontStop === true) track.dontStop = true
        const direction: RTCRtpTransceiverDirection = track ? (entry.recv ? 'sendrecv' : 'sendonly') : entry.recv ? 'recvonly' : 'inactive'
        if (existing && replace) {
          await existing.sender.replaceTrack(track)
          existing.direction = direction
        } else if (track || entry.recv) pc.addTransceiver(kind, direction, track)
        if (track) {
          track.addEventListener('ended', () => this.callbacks.onlocaltrack?.(track, false), { once: true })
          this.callbacks.onlocaltrack?.(track, true)
        }
      }
    }

    /** The local description's m-lines. */
    #localDescription(answerTo?: SdpMLine[]): SdpMLine[] {
      const pc = this.webrtcStuff.pc!
      if (answerTo) {
        return answerTo.map((offered) => {
          const transceiver = pc.transceivers.find((candidate) => candidate.mid === offered.mid)
          const receive = offered.direction === 'sendonly' || offered.direction === 'sendrecv'
          const send = transceiver?.sender.track != null && (offered.direction === 'recvonly' || offered.direction === 'sendrecv')
          return {
            kind: offered.kind,
            mid: offered.mid,
            port: offered.port,
            direction: send && receive ? 'sendrecv' : send ? 'sendonly' : receive ? 'recvonly' : 'inactive',
            ...(send ? { trackId: transceiver.sender.track!.id } : {}),
          }
        })
      }
      pc.assignMids()
      return pc.transceivers.map((transceiver) => ({
        kind: transceiver.kind,
        mid: transceiver.mid!,
        port: 9,
        direction: transceiver.kind === 'application' ? 'sendrecv' : (transceiver.direction as SdpMLine['direction']),
        ...(transceiver.sender.track ? { trackId: transceiver.sender.track.id } : {}),
      }))
    }

    /** setRemoteDescription: negotiated directions, new receivers announced (`ontrack`), stopped ones muted. */
    #applyRemote(jsep: JanusJS.JSEP): void {
      const pc = this.#peerConnection()
      const remote = parseSdp(jsep.sdp ?? '')
      this.webrtcStuff.remoteSdp = jsep.sdp ?? null
      for (const m of remote) {
        let transceiver = pc.transceivers.find((candidate) => candidate.mid === m.mid)
        if (!transceiver) {
          if (jsep.type !== 'offer') continue
          transceiver = pc.addTransceiver(m.kind, 'recvonly', null, m.mid)
        }
        if (m.kind === 'application') continue
        const wasReceiving = transceiver.currentDirection === 'recvonly' || transceiver.currentDirection === 'sendrecv'
        const remoteSends = m.port !== 0 && (m.direction === 'sendonly' || m.direction === 'sendrecv')
        const localSends = transceiver.sender.track !== null && (m.direction === 'recvonly' || m.direction === 'sendrecv')
        transceiver.currentDirection = remoteSends && localSends ? 'sendrecv' : remoteSends ? 'recvonly' : localSends ? 'sendonly' : 'inactive'
        const track = transceiver.receiver.track
        if (remoteSends && !wasReceiving) this.#onTrack(transceiver)
        else if (!remoteSends && wasReceiving) track.setMuted(true)
      }
    }

    /** Calls `onremotetrack`, noting the call in `remoteTrackCalls`. */
    #remoteTrack(track: FakeRemoteMediaStreamTrack, mid: string, on: boolean, reason: JanusJS.RemoteTrackMetadata['reason']): void {
      FakeJanus.remoteTrackCalls.push({ session: this.#session.getSessionId(), mid, on, reason })
      this.callbacks.onremotetrack?.(track as unknown as MediaStreamTrack, mid, on, { reason })
    }

    /** janus.js's `pc.ontrack`: `onremotetrack(created)`, and the mute / unmute handlers on the track. */
    #onTrack(transceiver: FakeTransceiver): void {
      const track = transceiver.receiver.track
      const mid = transceiver.mid!
      track.setMuted(false)
      this.#remoteTrack(track, mid, true, 'created')
      if (track.onmute) return
      track.onmute = () => {
        if (this.#muteTimers.has(track)) return
        this.#muteTimers.set(
          track,
          setTimeout(() => {
            this.#muteTimers.delete(track)
            this.#remoteTrack(track, mid, false, 'mute')
          }, REMOTE_MUTE_GRACE_MS),
        )
      }
      track.onunmute = () => {
        const timer = this.#muteTimers.get(track)
        if (timer !== undefined) {
          clearTimeout(timer)
          this.#muteTimers.delete(track)
        } else this.#remoteTrack(track, mid, true, 'unmute')
      }
    }

    /** Both descriptions set: ICE connects (once per PeerConnection), and Janus hears the DTLS handshake. */
    #connectIce(): void {
      const pc = this.webrtcStuff.pc
      // No m-line, no ICE: a description without media never connects.
      if (!pc || this.#iceConnected || pc.transceivers.length === 0) return
      this.#iceConnected = true
      later(() => {
        if (this.webrtcStuff.pc !== pc) return
        pc.setState('connected')
        this.callbacks.iceState?.('connected')
        statics.server.peerConnectionUp(this.#session.getSessionId(), this.numericId)
      })
    }

    createOffer(parameters: JanusJS.OfferParams): void {
      void (async () => {
        try {
          await this.#applyTracks(parameters.tracks ?? [], true)
          const sdp = writeSdp(this.#localDescription())
          const jsep = { type: 'offer', sdp }
          this.webrtcStuff.mySdp = jsep
          this.webrtcStuff.pc!.signalingState = 'have-local-offer'
          parameters.success?.(jsep)
        } catch (error) {
          parameters.error?.(error as Error)
        }
      })()
    }

    createAnswer(parameters: JanusJS.PluginCreateAnswerParam): void {
      void (async () => {
        try {
          if (!parameters.jsep || parameters.jsep.type !== 'offer') throw new Error('Invalid remote offer')
          this.#applyRemote(parameters.jsep)
          await this.#applyTracks(parameters.tracks ?? [], false)
          const sdp = writeSdp(this.#localDescription(parseSdp(parameters.jsep.sdp ?? '')))
          const jsep = { type: 'answer', sdp }
          this.webrtcStuff.mySdp = jsep
          this.webrtcStuff.pc!.signalingState = 'stable'
          parameters.success?.(jsep)
          this.#connectIce()
        } catch (error) {
          parameters.error?.(String((error as Error).message ?? error))
        }
      })()
    }

    handleRemoteJsep(parameters: JanusJS.PluginHandleRemoteJsepParam): void {
      later(() => {
        if (!this.webrtcStuff.pc) {
          parameters.error?.('Invalid PeerConnection')
          return
        }
        this.#applyRemote(parameters.jsep)
        this.webrtcStuff.pc.signalingState = 'stable'
        parameters.success?.(parameters.jsep)
        this.#connectIce()
      })
    }

    replaceTracks(parameters: JanusJS.PluginReplaceTracksParam): void {
      const tracks = parameters.tracks.map((entry) => (entry.add || (!entry.replace && !entry.remove) ? { ...entry, replace: true } : entry))
      void this.#applyTracks(tracks, false).then(
        () => parameters.success?.(undefined),
        (error: unknown) => parameters.error?.(error as string),
      )
    }

    /** The tracks this handle sends of a kind (janus.js's `myStream` holds the same ones). */
    #sent(kind: 'audio' | 'video', mid?: string): LocalTrack[] {
      return (this.webrtcStuff.pc?.transceivers ?? []).flatMap((transceiver) =>
        transceiver.kind === kind && transceiver.sender.track && (mid === undefined || transceiver.mid === mid) ? [transceiver.sender.track] : [],
      )
    }

    /** janus.js `mute`: `enabled` of the sent tracks of the kind (of that mid, when given); false when there is none. */
    #mute(video: boolean, mute: boolean, mid?: string): boolean {
      const tracks = this.#sent(video ? 'video' : 'audio', mid)
      for (const track of tracks) track.enabled = !mute
      return tracks.length > 0
    }

    #isMuted(video: boolean, mid?: string): boolean {
      return !(this.#sent(video ? 'video' : 'audio', mid)[0]?.enabled ?? false)
    }

    isAudioMuted(mid?: string): boolean {
      return this.#isMuted(false, mid)
    }
    muteAudio(mid?: string): void {
      this.#mute(false, true, mid)
    }
    unmuteAudio(mid?: string): void {
      this.#mute(false, false, mid)
    }
    isVideoMuted(mid?: string): boolean {
      return this.#isMuted(true, mid)
    }
    muteVideo(mid?: string): void {
      this.#mute(true, true, mid)
    }
    unmuteVideo(mid?: string): void {
      this.#mute(true, false, mid)
    }

    /** janus.js `getLocalTracks`: each sender's track (`type` is the track's kind), or null before there is a PeerConnection. */
    getLocalTracks(): JanusJS.TrackDesc[] {
      const pc = this.webrtcStuff.pc
      // janus.js answers null here, which janus-gateway's declarations leave out.
      if (!pc) return null as unknown as JanusJS.TrackDesc[]
      return pc.transceivers.flatMap((transceiver) =>
        transceiver.sender.track
          ? [{ mid: transceiver.mid ?? undefined, type: transceiver.sender.track.kind, id: transceiver.sender.track.id, label: transceiver.sender.track.label }]
          : [],
      )
    }

    /** janus.js `getRemoteTracks`: every receiver's track, or null before there is a PeerConnection. */
    getRemoteTracks(): JanusJS.TrackDesc[] {
      const pc = this.webrtcStuff.pc
      if (!pc) return null as unknown as JanusJS.TrackDesc[]
      return pc.transceivers
        .filter((transceiver) => transceiver.kind !== 'application')
        .map((transceiver) => ({
          mid: transceiver.mid ?? undefined,
          type: transceiver.receiver.track.kind,
          id: transceiver.receiver.track.id,
          label: transceiver.receiver.track.label,
        }))
    }

    /** janus.js `cleanupWebrtc`: local tracks stopped (unless `dontStop`), the PeerConnection closed, `oncleanup`. */
    cleanupWebrtc(hangupRequest: boolean): void {
      const pc = this.webrtcStuff.pc
      if (hangupRequest) void this.#session.request({ handle: this.numericId }, { janus: 'hangup', ...(this.token ? { token: this.token } : {}) })
      for (const timer of this.#muteTimers.values()) clearTimeout(timer)
      this.#muteTimers.clear()
      for (const transceiver of pc?.transceivers ?? []) if (transceiver.sender.track && transceiver.sender.track.dontStop !== true) transceiver.sender.track.stop()
      if (pc) {
        pc.close()
        // Janus hears the DTLS alert of a connection that was up, and hangs its media up.
        if (this.#iceConnected) statics.server.peerConnectionClosed(this.#session.getSessionId(), this.numericId)
      }
      this.webrtcStuff.pc = null
      this.webrtcStuff.remoteSdp = null
      this.webrtcStuff.mySdp = null
      this.#iceConnected = false
      ;(this.callbacks.oncleanup as (() => void) | undefined)?.()
    }

    hangup(sendRequest?: boolean): void {
      this.cleanupWebrtc(sendRequest === true)
    }

    /** janus.js `destroyHandle`. */
    destroy(options: JanusJS.DetachOptions = {}): void {
      if (this.detached) {
        options.success?.()
        return
      }
      this.cleanupWebrtc(false)
      this.detached = true
      this.#session.forget(this)
      if (options.noRequest === true || !this.#session.connected) {
        options.success?.()
        return
      }
      void this.#session.request({ handle: this.numericId }, { janus: 'detach', ...(this.token ? { token: this.token } : {}) }).then(() => options.success?.())
    }

    detach(options?: JanusJS.DetachOptions): void {
      this.destroy(options)
    }

    /** ICE on this handle's PeerConnection fails or drops (a back door): `iceState` as janus.js reports it. */
    setIceState(state: 'failed' | 'disconnected' | 'connected'): void {
      const pc = this.webrtcStuff.pc
      if (!pc) return
      pc.setState(state)
      this.callbacks.iceState?.(state)
    }
  }

  // RTP stopping (a moderated stream) mutes the receiver's track as a browser does; janus.js's mute handler follows.
  server.onRtpFlow(({ session, handle, mid, flowing }) => {
    const found = [...FakeJanus.sessions]
      .find((candidate) => candidate.getSessionId() === session)
      ?.handles()
      .find((candidate) => candidate.numericId === handle)
    const transceiver = found?.webrtcStuff.pc?.transceivers.find((candidate) => candidate.mid === mid)
    if (transceiver && (transceiver.currentDirection === 'recvonly' || transceiver.currentDirection === 'sendrecv')) transceiver.receiver.track.setMuted(!flowing)
  })

  return Object.assign(FakeJanus, { Handle: FakeHandle })
}

/** A fake janus.js `Janus` class (`createFakeJanusJs`). */
export type FakeJanusJs = ReturnType<typeof createFakeJanusJs>
/** A session of the fake janus.js. */
export type FakeJanusSession = InstanceType<FakeJanusJs>
/** A plugin handle of the fake janus.js. */
export type FakeJanusHandle = InstanceType<FakeJanusJs['Handle']>
