// The demo depends on ws (the signaling server's engine) but not on @types/ws, and its test only
// hands ws's WebSocket to code written for the browser's: declared as that, for this test.
declare module 'ws' {
  export const WebSocket: typeof globalThis.WebSocket
}
