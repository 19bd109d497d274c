import type { ClientAdapter } from '@callport/core'
import { kaleyra } from '@callport/kaleyra/client'
import { openvidu } from '@callport/openvidu/client'
import { signaling } from '@callport/signaling/client'
import { twilio } from '@callport/twilio/client'
import { vidyo } from '@callport/vidyo/client'

export interface ClientAdapterHooks {
  /** Called with every stream the page captures, to show the local preview. */
  onLocalMedia(stream: MediaStream): void
}

/**
 * The client adapters the page can use: one entry per provider. The session picks the one the
 * server's token names, so the page works unchanged whichever `CALLPORT_PROVIDER` the server runs.
 */
export function clientAdapters(hooks: ClientAdapterHooks): ClientAdapter[] {
  const getUserMedia = async (constraints: MediaStreamConstraints): Promise<MediaStream> => {
    const stream = await navigator.mediaDevices.getUserMedia(constraints)
    hooks.onLocalMedia(stream)
    return stream
  }
  // Vendor SDKs load inside connect(), only for the provider the server's token names.
  return [signaling({ webrtc: { getUserMedia } }), openvidu({ sdk: () => import('openvidu-browser') }), twilio({ sdk: () => import('twilio-video') }), vidyo(), kaleyra()]
}
