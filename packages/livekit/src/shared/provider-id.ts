/** The provider id of LiveKit (LiveKit Cloud, self-hosted LiveKit, OpenVidu 3) in tokens, rooms and errors. */
export const LIVEKIT_PROVIDER = 'livekit' as const
