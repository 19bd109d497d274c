/** The provider id of a self-hosted Janus WebRTC Server (VideoRoom SFU) in tokens, rooms and errors. */
export const JANUS_PROVIDER = 'janus' as const
