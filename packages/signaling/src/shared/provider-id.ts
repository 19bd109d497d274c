/** The provider id of the built-in signaling provider, in tokens, rooms and errors. */
export const SIGNALING_PROVIDER = 'signaling' as const
