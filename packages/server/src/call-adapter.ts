import { toCallportError, type ServerAdapter } from '@callport/core'

/** Runs an adapter operation; whatever it throws comes out as a CallportError naming the provider. */
export async function callAdapter<T>(adapter: ServerAdapter, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    throw toCallportError(error, { provider: adapter.provider })
  }
}
