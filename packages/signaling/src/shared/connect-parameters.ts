/**
 * The `token.connect` parameter holding ICE servers for the page's peer connections, as JSON text
 * (connect values are strings, numbers or booleans): `[{ "urls": [...], "username": ..., "credential": ... }]`.
 * The server half fills it with TURN credentials when it has `turn` settings.
 */
export const ICE_SERVERS_PARAMETER = 'iceServers'
