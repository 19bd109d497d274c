import type { ClientAdapter } from '@callport/core'
import { janus } from '@callport/janus/client'
import { kaleyra } from '@callport/kaleyra/client'
import { livekit } from '@callport/livekit/client'
import { openvidu } from '@callport/openvidu/client'
import { signaling } from '@callport/signaling/client'
import { twilio } from '@callport/twilio/client'
import { vidyo } from '@callport/vidyo/client'

/**
 * The client adapters the page can use: one entry per provider. The session picks the one the
 * server's token names, so the page works unchanged whichever `CALLPORT_PROVIDER` the server runs.
 * Vendor SDKs load inside connect(), only for the provider the server's token names.
 */
export function clientAdapters(): ClientAdapter[] {
  return [
    signaling(),
    openvidu({ sdk: () => import('openvidu-browser') }),
    twilio({ sdk: () => import('twilio-video') }),
    vidyo(),
    kaleyra(),
    livekit({ sdk: () => import('livekit-client') }),
    janus({ sdk: () => import('janus-gateway'), webrtcAdapter: () => import('webrtc-adapter') }),
  ]
}
