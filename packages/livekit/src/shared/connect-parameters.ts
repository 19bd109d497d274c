/** What the LiveKit client half needs besides the token: the server URL livekit-client's `Room.connect` takes. */
export interface LiveKitConnectParameters {
  [key: string]: string
  /** `wss://…` (or `ws://…`): the settings' URL with an http(s) scheme turned into ws(s). */
  url: string
}
