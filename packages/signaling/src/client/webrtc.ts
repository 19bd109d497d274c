/**
 * The WebRTC implementation the adapter uses. Every member is optional and defaults to the browser's
 * own; where none exists (Node, a worker) the adapter still does signaling — participants, data,
 * token updates — but publishes and receives no media.
 */
export interface SignalingWebrtc {
  /** Constructor for peer connections. Default: `globalThis.RTCPeerConnection`. */
  RTCPeerConnection?: typeof RTCPeerConnection
  /** Captures the local camera and microphone. Default: `navigator.mediaDevices.getUserMedia`. */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>
}

/** The implementation resolved at connect time; `undefined` members are not available here. */
export interface ResolvedWebrtc {
  RTCPeerConnection: typeof RTCPeerConnection | undefined
  getUserMedia: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined
}

/** Fills what was not injected from the global scope (read lazily, so server rendering never touches it). */
export function resolveWebrtc(injected: SignalingWebrtc = {}): ResolvedWebrtc {
  const scope = globalThis as { RTCPeerConnection?: typeof RTCPeerConnection; navigator?: Partial<Navigator> }
  const mediaDevices = scope.navigator?.mediaDevices
  const browserGetUserMedia = mediaDevices && typeof mediaDevices.getUserMedia === 'function' ? mediaDevices.getUserMedia.bind(mediaDevices) : undefined
  return {
    RTCPeerConnection: injected.RTCPeerConnection ?? scope.RTCPeerConnection,
    getUserMedia: injected.getUserMedia ?? browserGetUserMedia,
  }
}
