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

/** A MediaStreamTrack stand-in: `stop()` ends it, `ended` fires when the peer stops sending it. */
class FakeTrack extends EventTarget {
  enabled = true
  readyState: MediaStreamTrackState = 'live'
  constructor(
    readonly kind: 'audio' | 'video',
    readonly id: string,
  ) {
    super()
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

  addTrack(track: MediaStreamTrack): FakeSender {
    const sender: FakeSender = {
      described: { id: track.id, kind: track.kind === 'audio' ? 'audio' : 'video' },
      track,
      replaceTrack: async (replacement) => {
        sender.track = replacement
      },
    }
    this.#senders.push(sender)
    this.#needsNegotiation()
    return sender
  }

  getTransceivers(): RTCRtpTransceiver[] {
    return []
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
    for (const { id, kind } of described) {
      if (this.#received.has(id)) continue
      const track = new FakeTrack(kind, id)
      this.#received.set(id, track)
      this.dispatchEvent(Object.assign(new Event('track'), { track, streams: [] }))
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

/** getUserMedia that "captures" fresh stand-in tracks of the kinds asked for. */
async function getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  const tracks = (['audio', 'video'] as const).filter((kind) => constraints[kind]).map((kind) => new FakeTrack(kind, nextId(`local-${kind}`)))
  return { getTracks: () => tracks } as unknown as MediaStream
}

/** The `webrtc` option of the signaling client, backed by the stand-ins above. */
export function fakeWebrtc(): SignalingWebrtc {
  return { RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection, getUserMedia }
}
