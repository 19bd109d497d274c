/** The provider id of OpenVidu in tokens, rooms, errors and webhook routes. */
export const OPENVIDU_PROVIDER = 'openvidu' as const
