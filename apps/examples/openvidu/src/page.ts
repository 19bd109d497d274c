import { createSession } from '@callport/client'
import { openvidu } from '@callport/openvidu/client'

/**
 * The same page on Callport: one token request (`/calls/join`), and events instead of OpenVidu's
 * objects. Moving this room to another provider later changes only the adapter list.
 */
export async function joinRoom(room: string, videos: HTMLElement): Promise<() => Promise<void>> {
  const session = createSession({ adapters: [openvidu({ sdk: () => import('openvidu-browser') })], token: '/calls/join' })
  session.on('track-subscribed', ({ participant, track }) => {
    const element = track.attach()
    element.title = participant.name ?? participant.identity
    element.dataset.track = track.id
    videos.append(element)
  })
  session.on('track-unsubscribed', ({ track }) => {
    for (const element of track.detach()) element.remove()
  })
  session.on('disconnected', ({ reason }) => console.log(`call ended: ${reason}`))
  await session.join(room, { audio: true, video: true })
  return () => session.leave()
}
