import { OpenVidu } from 'openvidu-browser'
import { getToken } from './sample-page'

/**
 * The rest of such a page, also unchanged: openvidu-browser joins with the token and shows everyone.
 * (Shown for completeness; it needs a browser and a real OpenVidu.)
 */
export async function joinSession(applicationServerUrl: string, mySessionId: string, myUserName: string): Promise<void> {
  const OV = new OpenVidu()
  const session = OV.initSession()
  session.on('streamCreated', (event) => {
    const subscriber = session.subscribe(event.stream, 'video-container')
    subscriber.on('videoElementCreated', (created) => {
      const name = JSON.parse(subscriber.stream.connection.data).clientData as string | undefined
      created.element.title = name ?? ''
    })
  })
  const token = await getToken(applicationServerUrl, mySessionId)
  await session.connect(token, { clientData: myUserName })
  const publisher = await OV.initPublisherAsync('video-container', { publishAudio: true, publishVideo: true })
  await session.publish(publisher)
}
