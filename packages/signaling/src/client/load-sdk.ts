import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client'

/** socket.io-client's `io` function, or one with the same signature (for instrumentation and tests). */
export type SocketFactory = (url: string, options: Partial<ManagerOptions & SocketOptions>) => Socket

/** Loads socket.io-client on first use, so importing the adapter costs nothing until `connect()`. */
export async function loadSocketFactory(injected: SocketFactory | undefined): Promise<SocketFactory> {
  if (injected) return injected
  const { io } = await import('socket.io-client')
  return io
}
