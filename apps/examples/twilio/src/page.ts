import { createSession } from '@callport/client'
import { twilio } from '@callport/twilio/client'

/** The browser half: bundle this into the page served next to the token server. */
export async function joinRoom(room: string, userId: string, videos: HTMLElement): Promise<void> {
  const session = createSession({
    adapters: [twilio({ sdk: () => import('twilio-video') })],
    token: async ({ room: name, signal }) => {
      const response = await fetch('/calls/join', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': userId },
        body: JSON.stringify({ room: name }),
        signal,
      })
      if (!response.ok) throw new Error(`join refused: HTTP ${response.status}`)
      return response.json()
    },
  })
  session.on('participant-joined', ({ participant }) => console.log(`${participant.identity} joined`))
  session.on('track-subscribed', ({ track }) => videos.append(track.attach()))
  session.on('track-unsubscribed', ({ track }) => track.detach().forEach((element) => element.remove()))
  session.on('disconnected', ({ reason }) => console.log(`call ended: ${reason}`))
  await session.join(room, { audio: true, video: true })
}
