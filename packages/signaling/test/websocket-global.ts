// Node 20 has no WebSocket global (Node 22 has): the signaling client's own socket.io client needs
// one, so the Node tests give it the ws package's, as an app on Node 20 would.
import { WebSocket } from 'ws'

if (typeof globalThis.WebSocket === 'undefined') Object.assign(globalThis, { WebSocket })
