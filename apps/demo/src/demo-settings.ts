import { demoProviders } from './demo-providers'

/** What the demo reads from its environment. */
export interface DemoSettings {
  host: string
  port: number
  provider: string
}

/**
 * `HOST` (default 127.0.0.1: a secure context for camera access without TLS), `PORT` (default
 * 3000) and `CALLPORT_PROVIDER` (default `signaling`). Throws an Error that says what is wrong.
 */
export function readDemoSettings(environment: Record<string, string | undefined>): DemoSettings {
  const port = Number(environment.PORT || 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got ${JSON.stringify(environment.PORT)}`)
  const provider = environment.CALLPORT_PROVIDER || 'signaling'
  if (!Object.hasOwn(demoProviders, provider)) {
    throw new Error(`CALLPORT_PROVIDER=${provider} is not supported by the demo; choose one of: ${Object.keys(demoProviders).join(', ')}`)
  }
  return { host: environment.HOST || '127.0.0.1', port, provider }
}
