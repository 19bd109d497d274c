/**
 * A socket.io v4 client over one WebSocket: the part of socket.io-client the signaling adapter uses
 * (events, acknowledgements with a timeout, the server's heartbeat, `connect_error` with the
 * server's `data`), in about 2 KiB instead of socket.io-client's 13 KiB gzip. It speaks Engine.IO
 * protocol 4 and Socket.IO protocol 5 as text frames only (the signaling protocol is JSON), so it
 * talks to any socket.io 3/4 server that accepts the WebSocket transport. HTTP long-polling needs
 * socket.io-client itself: pass its `io` as the adapter's `sdk`.
 *
 * Packets (engine.io type digit, then socket.io type digit for messages):
 * `0{sid,pingInterval,pingTimeout}` open · `2` ping → answered `3` · `1` close ·
 * `40{sid}` connected · `41` disconnected · `42[id]["event",…args]` event · `43id[…args]` ack ·
 * `44{message,data}` connect_error.
 */

/** A listener of socket events: the event's arguments, then an ack function when the sender asked for one. */
export type SocketListener = (...args: any[]) => void

/** What the signaling adapter needs of a socket: socket.io-client's `Socket` has it, and so does {@link connectWebSocket}'s. */
export interface SignalingSocket {
  readonly connected: boolean
  on(event: string, listener: SocketListener): unknown
  once(event: string, listener: SocketListener): unknown
  off(event: string, listener?: SocketListener): unknown
  emit(event: string, ...args: unknown[]): unknown
  /** The next `emit`'s ack gets `(error, …results)`, with an error when no answer came within `milliseconds`. */
  timeout(milliseconds: number): { emit(event: string, ...args: unknown[]): unknown }
  disconnect(): unknown
}

/** The options the adapter passes when it opens a socket (a subset of socket.io-client's). */
export interface SocketFactoryOptions {
  forceNew?: boolean
  reconnection?: boolean
  timeout?: number
  query?: Record<string, string>
  transports?: ('websocket' | 'polling' | 'webtransport')[]
  tryAllTransports?: boolean
  path?: string
}

/** socket.io-client's `io`, or any function with its shape, such as {@link connectWebSocket}. */
export type SocketFactory = (url: string, options: SocketFactoryOptions) => SignalingSocket

interface EngineOpen {
  pingInterval: number
  pingTimeout: number
}

/** The WebSocket URL of a socket.io server: `ws(s)://host/socket.io/?EIO=4&transport=websocket&…query`. */
export function webSocketUrl(url: string, options: SocketFactoryOptions): { href: string; namespace: string } {
  const base = new URL(url)
  const namespace = base.pathname === '' ? '/' : base.pathname
  const target = new URL((options.path ?? '/socket.io').replace(/\/?$/, '/'), base)
  target.protocol = base.protocol === 'https:' || base.protocol === 'wss:' ? 'wss:' : 'ws:'
  target.search = new URLSearchParams({ ...options.query, EIO: '4', transport: 'websocket' }).toString()
  return { href: target.href, namespace }
}

/**
 * Opens a socket.io connection over a WebSocket (`globalThis.WebSocket`); it never reconnects by
 * itself. `transports` is not read: the adapter refuses any but `websocket` without an `sdk`.
 */
export const connectWebSocket: SocketFactory = (url, options) => {
  const { href, namespace } = webSocketUrl(url, options)
  const prefix = namespace === '/' ? '' : `${namespace},`
  const listeners = new Map<string, Set<SocketListener>>()
  const acks = new Map<number, SocketListener>()
  const ws = new WebSocket(href)
  let connected = false
  let closed = false
  let nextAck = 0
  let heartbeat: ReturnType<typeof setTimeout> | undefined
  let heartbeatDelay = 0

  const fire = (event: string, ...args: unknown[]) => {
    for (const listener of [...(listeners.get(event) ?? [])]) listener(...args)
  }
  const send = (packet: string) => {
    if (ws.readyState === 1) ws.send(packet)
  }
  const close = (reason: string, error?: Error) => {
    if (closed) return
    closed = true
    clearTimeout(heartbeat)
    ws.close()
    const wasConnected = connected
    connected = false
    for (const ack of acks.values()) ack(new Error(`socket closed (${reason})`))
    acks.clear()
    if (wasConnected) fire('disconnect', reason)
    else if (error) fire('connect_error', error)
  }
  const resetHeartbeat = () => {
    clearTimeout(heartbeat)
    if (heartbeatDelay > 0) heartbeat = setTimeout(() => close('ping timeout'), heartbeatDelay)
  }
  /** An outgoing event: `42[id]["event",…args]`, the last argument taken as the ack when it is a function. */
  const sendEvent = (event: string, args: unknown[], timeout?: number) => {
    const last = args.at(-1)
    let id = ''
    if (typeof last === 'function') {
      args = args.slice(0, -1)
      const ackId = nextAck++
      const reply = last as SocketListener
      let timer: ReturnType<typeof setTimeout> | undefined
      if (timeout !== undefined) timer = setTimeout(() => acks.get(ackId)?.(new Error('operation has timed out')), timeout)
      // With a timeout, the ack gets an error first (null when answered), as socket.io-client does.
      acks.set(ackId, (...results: unknown[]) => {
        clearTimeout(timer)
        acks.delete(ackId)
        const failed = results[0] instanceof Error && results.length === 1
        if (timeout !== undefined) reply(...(failed ? results : [null, ...results]))
        else if (!failed) reply(...results)
      })
      id = String(ackId)
    }
    send(`42${prefix}${id}${JSON.stringify([event, ...args])}`)
  }

  const onSocketPacket = (packet: string) => {
    const type = packet[0]
    let rest = packet.slice(1)
    if (prefix !== '') {
      if (!rest.startsWith(prefix)) return
      rest = rest.slice(prefix.length)
    }
    const digits = /^\d*/.exec(rest)![0]
    const payload = rest.length > digits.length ? (JSON.parse(rest.slice(digits.length)) as unknown) : undefined
    if (type === '0') {
      connected = true
      fire('connect')
    } else if (type === '1') {
      close('io server disconnect')
    } else if (type === '2' && Array.isArray(payload) && typeof payload[0] === 'string') {
      const args: unknown[] = payload.slice(1)
      if (digits !== '') args.push((...results: unknown[]) => send(`43${prefix}${digits}${JSON.stringify(results)}`))
      fire(payload[0], ...args)
    } else if (type === '3' && Array.isArray(payload)) {
      acks.get(Number(digits))?.(...(payload as unknown[]))
    } else if (type === '4') {
      const { message, data } = (payload ?? {}) as { message?: unknown; data?: unknown }
      close('connect_error', Object.assign(new Error(typeof message === 'string' ? message : 'connect_error'), { data }))
    }
  }

  ws.onmessage = ({ data }: MessageEvent) => {
    if (typeof data !== 'string') return
    resetHeartbeat()
    try {
      if (data[0] === '0') {
        const open = JSON.parse(data.slice(1)) as EngineOpen
        heartbeatDelay = open.pingInterval + open.pingTimeout
        resetHeartbeat()
        send(`40${prefix}`)
      } else if (data === '2') send('3')
      else if (data[0] === '1') close('transport close')
      else if (data[0] === '4') onSocketPacket(data.slice(1))
    } catch (error) {
      close('parse error', error as Error)
    }
  }
  ws.onerror = () => close('transport error', new Error('websocket error'))
  ws.onclose = () => close('transport close', new Error('websocket closed'))

  const socket: SignalingSocket = {
    get connected() {
      return connected
    },
    on(event, listener) {
      listeners.set(event, (listeners.get(event) ?? new Set()).add(listener))
      return socket
    },
    once(event, listener) {
      const once: SocketListener = (...args) => {
        socket.off(event, once)
        listener(...args)
      }
      return socket.on(event, once)
    },
    off(event, listener) {
      if (listener) listeners.get(event)?.delete(listener)
      else listeners.delete(event)
      return socket
    },
    emit(event, ...args) {
      sendEvent(event, args)
      return socket
    },
    timeout: (milliseconds) => ({ emit: (event, ...args) => sendEvent(event, args, milliseconds) }),
    disconnect() {
      if (connected) send(`41${prefix}`)
      close('io client disconnect')
      return socket
    },
  }
  return socket
}
