import type { LocalTrack } from '@callport/core'
import type { SignalingWebrtc } from '../../src/client/webrtc'

/**
 * A WebRTC stand-in for Node, enough for the signaling client to negotiate with another client in
 * the same process through the real signaling server: session descriptions carry the sending
 * tracks' ids and kinds (and a fingerprint per peer connection), and applying a description fires
 * `track` for every track it newly names. No media flows; tracks are plain objects. It lets the
 * conformance suite's track tests (subscribe, unsubscribe, detach) run in Node.
 */

let counter = 0
const nextId = (prefix: string): string => `${prefix}-${(++counter).toString(36)}`

/** A MediaStreamTrack stand-in: `stop()` ends it, `ended` fires when the peer stops sending it (or `end()`: the device went away). */
export class FakeTrack extends EventTarget {
  enabled = true
  /** How loud a local microphone is (0–1): its receivers report it as their audio level. */
  level = 0
  readyState: MediaStreamTrackState = 'live'
  constructor(
    readonly kind: 'audio' | 'video',
    readonly id: string,
    readonly deviceId?: string,
  ) {
    super()
  }
  getSettings(): MediaTrackSettings {
    return this.deviceId === undefined ? {} : { deviceId: this.deviceId }
  }
  stop(): void {
    this.readyState = 'ended'
  }
  end(): void {
    if (this.readyState === 'ended') return
    this.readyState = 'ended'
    this.dispatchEvent(new Event('ended'))
  }
}

interface DescribedTrack {
  id: string
  kind: 'audio' | 'video'
  streamId?: string
}

/** A MediaStream stand-in: an id and its tracks. */
class FakeMediaStream {
  readonly id = nextId('stream')
  readonly #tracks = new Set<MediaStreamTrack>()
  addTrack(track: MediaStreamTrack): void {
    this.#tracks.add(track)
  }
  removeTrack(track: MediaStreamTrack): void {
    this.#tracks.delete(track)
  }
  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks]
  }
}

const tracksLine = 'a=x-fake-tracks:'

function describe(fingerprint: string, tracks: DescribedTrack[]): string {
  return ['v=0', `a=fingerprint:sha-256 ${fingerprint}`, `${tracksLine}${JSON.stringify(tracks)}`].join('\r\n')
}

function tracksOf(sdp: string | undefined): DescribedTrack[] {
  const line = (sdp ?? '').split(/\r?\n/).find((candidate) => candidate.startsWith(tracksLine))
  return line ? (JSON.parse(line.slice(tracksLine.length)) as DescribedTrack[]) : []
}

class FakeDescription {
  constructor(
    readonly type: RTCSdpType,
    readonly sdp: string,
  ) {}
  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp }
  }
}

class FakeDataChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting'
  open(): void {
    if (this.readyState !== 'connecting') return
    this.readyState = 'open'
    this.dispatchEvent(new Event('open'))
  }
  close(): void {
    if (this.readyState === 'closed') return
    this.readyState = 'closed'
    this.dispatchEvent(new Event('close'))
  }
}

interface FakeSender {
  /** The track first sent: the transceiver keeps it described after `replaceTrack(null)`, as WebRTC does. */
  readonly described: DescribedTrack
  track: MediaStreamTrack | null
  replaceTrack(track: MediaStreamTrack | null): Promise<void>
  /** `media-source` stats: the microphone's level. */
  getStats(): Promise<RTCStatsReport>
}

/** Local tracks by id: a received track has its sender's id, and takes its level from it. */
const sentTracks = new Map<string, FakeTrack>()
const levelOf = (track: MediaStreamTrack | null | undefined): number => {
  const sent = track ? sentTracks.get(track.id) : undefined
  return sent && sent.enabled && sent.readyState === 'live' ? sent.level : 0
}

/** Round-trip times (seconds) the stand-in's stats report for each network quality. */
const roundTripTimes = { excellent: 0.02, good: 0.2, poor: 0.5, lost: 5 } as const
export type FakeNetwork = keyof typeof roundTripTimes

/** Sets the network quality a peer connection and its peer report (candidate-pair round-trip time). */
export function setFakeNetwork(peerConnection: RTCPeerConnection, network: FakeNetwork): void {
  const fake = peerConnection as unknown as FakePeerConnection
  fake.network = network
  const peer = open.get(fingerprintOf(fake.remoteDescription?.sdp) ?? '')
  if (peer) peer.network = network
}

/** Every open peer connection by fingerprint: closing one closes the data channel of its peer, as SCTP does. */
const open = new Map<string, FakePeerConnection>()
const fingerprintOf = (sdp: string | undefined): string | undefined => /^a=fingerprint:sha-256 (.*)$/m.exec(sdp ?? '')?.[1]?.trim()

class FakePeerConnection extends EventTarget {
  connectionState: RTCPeerConnectionState = 'new'
  signalingState: RTCSignalingState = 'stable'
  localDescription: FakeDescription | null = null
  remoteDescription: RTCSessionDescriptionInit | null = null
  readonly #fingerprint = nextId('fingerprint')
  readonly #senders: FakeSender[] = []
  readonly #received = new Map<string, FakeTrack>()
  readonly #channels: FakeDataChannel[] = []
  /** Something was added that no description sent yet: negotiationneeded fires once stable. */
  #pending = false

  constructor() {
    super()
    open.set(this.#fingerprint, this)
  }

  createDataChannel(): FakeDataChannel {
    const channel = new FakeDataChannel()
    this.#channels.push(channel)
    this.#needsNegotiation()
    return channel
  }

  addTrack(track: MediaStreamTrack, stream?: MediaStream): FakeSender {
    const sender: FakeSender = {
      described: { id: track.id, kind: track.kind === 'audio' ? 'audio' : 'video', ...(stream ? { streamId: stream.id } : {}) },
      track,
      replaceTrack: async (replacement) => {
        sender.track = replacement
      },
      getStats: async () => new Map([['source', { type: 'media-source', id: 'source', kind: sender.track?.kind, audioLevel: levelOf(sender.track) }]]),
    }
    this.#senders.push(sender)
    this.#needsNegotiation()
    return sender
  }

  /** Stops sending the sender's track for good: the next description no longer names it, so the peer's track ends. */
  removeTrack(sender: FakeSender): void {
    const index = this.#senders.indexOf(sender)
    if (index < 0) return
    this.#senders.splice(index, 1)
    this.#needsNegotiation()
  }

  getSenders(): FakeSender[] {
    return [...this.#senders]
  }

  /** Receivers of the received tracks; an audio one reports its sender's level, with an RTP timestamp that moves. */
  getReceivers(): RTCRtpReceiver[] {
    return [...this.#received.values()].map(
      (track) =>
        ({
          track,
          getSynchronizationSources: () =>
            track.kind === 'audio' ? [{ source: 1, audioLevel: levelOf(track as unknown as MediaStreamTrack), rtpTimestamp: ++counter, timestamp: Date.now() }] : [],
        }) as unknown as RTCRtpReceiver,
    )
  }

  getTransceivers(): RTCRtpTransceiver[] {
    return []
  }

  network: FakeNetwork = 'excellent'
  #packets = 0

  /** A selected candidate pair that receives packets on every read, with the round-trip time of `network`. */
  async getStats(): Promise<RTCStatsReport> {
    this.#packets += 100
    const pair = { type: 'candidate-pair', id: 'pair', packetsReceived: this.#packets, currentRoundTripTime: roundTripTimes[this.network] }
    return new Map<string, object>([
      ['transport', { type: 'transport', id: 'transport', selectedCandidatePairId: 'pair' }],
      ['pair', pair],
    ])
  }

  async setLocalDescription(): Promise<void> {
    if (this.signalingState === 'closed') throw new Error('closed')
    const type: RTCSdpType = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer'
    this.#pending = false
    this.localDescription = new FakeDescription(
      type,
      describe(
        this.#fingerprint,
        this.#senders.map((sender) => sender.described),
      ),
    )
    this.#setSignalingState(type === 'offer' ? 'have-local-offer' : 'stable')
    if (type === 'answer') this.#connected()
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (this.signalingState === 'closed') throw new Error('closed')
    this.remoteDescription = description
    const described = tracksOf(description.sdp)
    for (const [id, track] of this.#received) {
      if (described.some((candidate) => candidate.id === id)) continue
      this.#received.delete(id)
      track.end()
    }
    for (const { id, kind, streamId } of described) {
      if (this.#received.has(id)) continue
      const track = new FakeTrack(kind, id)
      this.#received.set(id, track)
      this.dispatchEvent(Object.assign(new Event('track'), { track, streams: streamId === undefined ? [] : [{ id: streamId }] }))
    }
    this.#setSignalingState(description.type === 'offer' ? 'have-remote-offer' : 'stable')
    if (description.type === 'answer') this.#connected()
  }

  async addIceCandidate(): Promise<void> {}

  restartIce(): void {}

  close(): void {
    if (this.signalingState === 'closed') return
    this.connectionState = 'closed'
    this.signalingState = 'closed'
    open.delete(this.#fingerprint)
    for (const channel of this.#channels) channel.close()
    const peer = open.get(fingerprintOf(this.remoteDescription?.sdp) ?? '')
    if (peer) queueMicrotask(() => peer.peerClosed())
  }

  /** The peer closed its side: the data channel closes (the connection itself stays, as in browsers). */
  peerClosed(): void {
    for (const channel of this.#channels) channel.close()
  }

  #needsNegotiation(): void {
    this.#pending = true
    if (this.signalingState === 'stable') queueMicrotask(() => this.#fireNegotiationNeeded())
  }

  #fireNegotiationNeeded(): void {
    if (this.#pending && this.signalingState === 'stable') this.dispatchEvent(new Event('negotiationneeded'))
  }

  #setSignalingState(state: RTCSignalingState): void {
    this.signalingState = state
    this.dispatchEvent(new Event('signalingstatechange'))
    if (state === 'stable' && this.#pending) queueMicrotask(() => this.#fireNegotiationNeeded())
  }

  #connected(): void {
    if (this.connectionState !== 'new') return
    this.connectionState = 'connected'
    this.dispatchEvent(new Event('connectionstatechange'))
    for (const channel of this.#channels) channel.open()
  }
}

/** The stand-in devices, by kind; the first is the default. */
export const fakeDevices = { audio: ['microphone-1', 'microphone-2'], video: ['camera-1', 'camera-2'] } as const

/** The device a constraint asks for: the default for `true`, the exact one for `{ deviceId: { exact } }`; OverconstrainedError for an unknown one. */
function deviceFor(kind: 'audio' | 'video', constraint: boolean | MediaTrackConstraints | undefined): string {
  const exact = typeof constraint === 'object' ? (constraint.deviceId as { exact?: string } | undefined)?.exact : undefined
  if (exact === undefined) return fakeDevices[kind][0]
  if (!(fakeDevices[kind] as readonly string[]).includes(exact)) throw Object.assign(new Error(`No device ${exact}`), { name: 'OverconstrainedError', constraint: 'deviceId' })
  return exact
}

export interface FakeMediaCalls {
  getUserMedia: MediaStreamConstraints[]
  getDisplayMedia: DisplayMediaStreamOptions[]
}

/** The `webrtc` option of the signaling client, backed by the stand-ins above; `calls` records every capture. */
export function fakeWebrtc(calls: FakeMediaCalls = { getUserMedia: [], getDisplayMedia: [] }): SignalingWebrtc & { calls: FakeMediaCalls } {
  return {
    calls,
    RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
    MediaStream: FakeMediaStream as unknown as typeof MediaStream,
    /** "Captures" fresh stand-in tracks of the kinds asked for, from the devices asked for. */
    async getUserMedia(constraints) {
      calls.getUserMedia.push(constraints)
      const tracks = (['audio', 'video'] as const)
        .filter((kind) => constraints[kind])
        .map((kind) => new FakeTrack(kind, nextId(`local-${kind}`), deviceFor(kind, constraints[kind])))
      for (const track of tracks) sentTracks.set(track.id, track)
      return { getTracks: () => tracks } as unknown as MediaStream
    },
    async getDisplayMedia(options = {}) {
      calls.getDisplayMedia.push(options)
      const tracks = [new FakeTrack('video', nextId('screen')), ...(options.audio ? [new FakeTrack('audio', nextId('screen-audio'))] : [])]
      return { getTracks: () => tracks } as unknown as MediaStream
    },
  }
}

/** A stand-in local track the page made (a preview), as `createLocalTracks` would hand it to `join`. */
export function fakeLocalTrack(kind: 'audio' | 'video'): LocalTrack {
  const mediaStreamTrack = new FakeTrack(kind, nextId(`preview-${kind}`), fakeDevices[kind][0]) as unknown as MediaStreamTrack
  return {
    id: mediaStreamTrack.id,
    kind,
    source: kind === 'audio' ? 'microphone' : 'camera',
    mediaStreamTrack,
    deviceId: fakeDevices[kind][0],
    attach: () => {
      throw new Error('not in Node')
    },
    detach: () => [],
    stop: () => mediaStreamTrack.stop(),
  }
}
