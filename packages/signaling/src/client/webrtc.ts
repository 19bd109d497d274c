/**
 * The WebRTC implementation the adapter uses. Every member is optional and defaults to the browser's
 * own; where none exists (Node, a worker) the adapter still does signaling — participants, data,
 * token updates — but publishes and receives no media.
 */
export interface SignalingWebrtc {
  /** Constructor for peer connections. Default: `globalThis.RTCPeerConnection`. */
  RTCPeerConnection?: typeof RTCPeerConnection
  /** Groups the local tracks (peers see the stream ids). Default: `globalThis.MediaStream`. */
  MediaStream?: typeof MediaStream
  /** Captures the local camera and microphone. Default: `navigator.mediaDevices.getUserMedia`. */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>
  /** Captures a screen, window or tab. Default: `navigator.mediaDevices.getDisplayMedia`. */
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>
}

/** The implementation resolved at connect time; `undefined` members are not available here. */
export interface ResolvedWebrtc {
  RTCPeerConnection: typeof RTCPeerConnection | undefined
  MediaStream: typeof MediaStream | undefined
  getUserMedia: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined
  getDisplayMedia: ((options: DisplayMediaStreamOptions) => Promise<MediaStream>) | undefined
}

/** Fills what was not injected from the global scope (read lazily, so server rendering never touches it). */
export function resolveWebrtc(injected: SignalingWebrtc = {}): ResolvedWebrtc {
  const scope = globalThis as { RTCPeerConnection?: typeof RTCPeerConnection; MediaStream?: typeof MediaStream; navigator?: Partial<Navigator> }
  const devices = scope.navigator?.mediaDevices
  const bound = <K extends 'getUserMedia' | 'getDisplayMedia'>(name: K): MediaDevices[K] | undefined =>
    devices && typeof devices[name] === 'function' ? devices[name].bind(devices) : undefined
  return {
    RTCPeerConnection: injected.RTCPeerConnection ?? scope.RTCPeerConnection,
    MediaStream: injected.MediaStream ?? scope.MediaStream,
    getUserMedia: injected.getUserMedia ?? bound('getUserMedia'),
    getDisplayMedia: injected.getDisplayMedia ?? bound('getDisplayMedia'),
  }
}
