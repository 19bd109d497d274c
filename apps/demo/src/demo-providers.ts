import { randomBytes } from 'node:crypto'
import type { Server as HttpServer } from 'node:http'
import type { ServerAdapter } from '@callport/core'
import { janus } from '@callport/janus/server'
import { kaleyra } from '@callport/kaleyra/server'
import { livekit } from '@callport/livekit/server'
import { openvidu } from '@callport/openvidu/server'
import { createSignalingServer, signaling, type SignalingServer } from '@callport/signaling/server'
import { twilio } from '@callport/twilio/server'
import { vidyo } from '@callport/vidyo/server'

/** What a provider gets to start with. */
export interface DemoProviderContext {
  /** Where the demo serves, such as `http://127.0.0.1:3000`. */
  url: string
  /** The demo's HTTP server, for providers that serve something themselves. */
  httpServer: HttpServer
  environment: Record<string, string | undefined>
  log: (line: string) => void
}

/** A started provider: its server adapter, and what the demo must close with it. */
export interface DemoProviderRuntime {
  adapter: ServerAdapter
  /** The signaling server running inside the demo (the built-in provider only). */
  signalingServer?: SignalingServer
  close(): Promise<void>
}

export interface DemoProvider {
  /** The environment variables it reads (listed in the README). */
  environment: readonly string[]
  start(context: DemoProviderContext): Promise<DemoProviderRuntime>
}

/**
 * The providers the demo can run on, chosen by `CALLPORT_PROVIDER`: one entry per provider. The page
 * needs no change, since the session picks its client adapter from the token (src/page/client-adapters.ts
 * lists them).
 */
export const demoProviders: Readonly<Record<string, DemoProvider>> = {
  signaling: {
    environment: ['CALLPORT_SIGNALING_SECRET', 'CALLPORT_SIGNALING_URL'],
    async start({ url, httpServer, environment, log }) {
      let secret = environment.CALLPORT_SIGNALING_SECRET
      if (!secret) {
        secret = randomBytes(32).toString('base64url')
        log('CALLPORT_SIGNALING_SECRET is not set: signing tokens with a random secret for this run.')
      }
      const signalingServer = createSignalingServer({ secret, onError: (error) => log(`signaling server error: ${String(error)}`) })
      await signalingServer.attach(httpServer)
      return {
        adapter: signaling({ secret, url: environment.CALLPORT_SIGNALING_URL || url }),
        signalingServer,
        close: () => signalingServer.close(),
      }
    },
  },
  // Each factory reads its own variables; the demo passes its environment and lists the names for its README.
  openvidu: vendor(['OPENVIDU_URL', 'OPENVIDU_SECRET', 'OPENVIDU_WEBHOOK_HEADERS'], (environment) => openvidu({ environmentVariables: environment })),
  twilio: vendor(['TWILIO_ACCOUNT_SID', 'TWILIO_API_KEY_SID', 'TWILIO_API_KEY_SECRET', 'TWILIO_AUTH_TOKEN', 'TWILIO_STATUS_CALLBACK_URL'], (environment) =>
    twilio({ environmentVariables: environment }),
  ),
  vidyo: vendor(['VIDYO_APP_ID', 'VIDYO_DEVELOPER_KEY', 'VIDYO_HOST'], (environment) => vidyo({ environmentVariables: environment })),
  kaleyra: vendor(['KALEYRA_API_KEY', 'KALEYRA_APP_ID', 'KALEYRA_REGION', 'KALEYRA_ENVIRONMENT', 'KALEYRA_BASE_URL'], (environment) =>
    kaleyra({ environmentVariables: environment }),
  ),
  // LiveKit Cloud, a LiveKit server or an OpenVidu 3 deployment: LIVEKIT_URL names which.
  livekit: vendor(['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'], (environment) => livekit({ environmentVariables: environment })),
  // A self-hosted Janus (VideoRoom SFU) with signed tokens: JANUS_URL is its HTTP API as this server reaches it,
  // JANUS_CLIENT_URL where pages reach it when that differs; TURN credentials when both CALLPORT_TURN_* are set.
  janus: vendor(['JANUS_URL', 'JANUS_TOKEN_SECRET', 'JANUS_CLIENT_URL', 'JANUS_ADMIN_KEY', 'CALLPORT_TURN_URLS', 'CALLPORT_TURN_SECRET'], (environment) =>
    janus({ environmentVariables: environment }),
  ),
}

/** A vendor provider: its server adapter, configured from the environment; nothing runs in the demo. */
function vendor(variables: readonly string[], create: (environment: Record<string, string | undefined>) => ServerAdapter): DemoProvider {
  return {
    environment: variables,
    async start({ environment }) {
      return { adapter: create(environment), close: async () => {} }
    },
  }
}
