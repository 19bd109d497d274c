import { createHash } from 'node:crypto'
import type { WebhookRequest } from '@callport/core'
import { AccessToken, EgressInfo, EgressStatus, ParticipantInfo, Room, TrackInfo, TrackSource, TrackType, WebhookEvent, type WebhookEventNames } from 'livekit-server-sdk'

/**
 * LiveKit webhook deliveries made with livekit-server-sdk, as LiveKit's server sends them
 * (`livekit/protocol` `webhook/url_notifier.go`): the body is the `WebhookEvent` in protojson
 * (`toJsonString()` of @livekit/protocol's message: lowerCamelCase, int64 as strings, enums by name,
 * default values left out), signed by an `AccessToken` of the API key whose `sha256` claim is the
 * base64 SHA-256 of the body, valid 5 minutes, in `Authorization` without `Bearer`.
 */

export const WEBHOOK_URL = 'https://app.example.test/calls/webhooks/livekit'

/** A `WebhookEvent` of livekit-server-sdk. Its constructor resets `event`, so it is set afterwards. */
export function webhookEvent(event: WebhookEventNames, fields: ConstructorParameters<typeof WebhookEvent>[0]): WebhookEvent {
  const message = new WebhookEvent(fields)
  message.event = event
  return message
}

/** base64 SHA-256 of the body's UTF-8 bytes, as url_notifier.go computes it (Node's crypto, independent of the code under test). */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64')
}

/** The `Authorization` value LiveKit sends for `body`: an SDK AccessToken with `sha256` set, valid 5 minutes. */
export async function signWebhookBody(body: string, apiKey: string, apiSecret: string): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, { ttl: '5m' })
  token.sha256 = bodySha256(body)
  return token.toJwt()
}

/** A delivery of `body` signed with the SDK: the request the adapter's webhook handler gets. */
export async function signedDelivery(body: string, apiKey: string, apiSecret: string, url = WEBHOOK_URL): Promise<WebhookRequest> {
  return {
    url,
    method: 'POST',
    headers: new Headers({ 'content-type': 'application/webhook+json', authorization: await signWebhookBody(body, apiKey, apiSecret), 'user-agent': 'LiveKit' }),
    body,
  }
}

/** One room, participant, track and egress for the events below. */
export const sample = {
  room: { sid: 'RM_hook1234', name: 'daily-standup' },
  participant: { sid: 'PA_alice123', identity: 'alice@example.com', name: 'Alice Ümlaut 🎥' },
  track: { sid: 'TR_video123' },
  egress: { egressId: 'EG_rec12345', location: 's3://recordings/daily-standup.mp4' },
  createdAt: 1_764_650_000,
}

const room = () => new Room({ sid: sample.room.sid, name: sample.room.name, creationTime: BigInt(sample.createdAt - 60) })
const participant = (fields: Partial<ConstructorParameters<typeof ParticipantInfo>[0]> = {}) =>
  new ParticipantInfo({ sid: sample.participant.sid, identity: sample.participant.identity, name: sample.participant.name, ...fields })

/** The events issue 17 names (and two others), as LiveKit fills them, with the id each carries. */
export function sampleEvents(): Record<string, WebhookEvent> {
  let counter = 0
  const base = () => {
    counter += 1
    return { id: `EV_${counter.toString().padStart(8, '0')}`, createdAt: BigInt(sample.createdAt + counter) }
  }
  return {
    room_started: webhookEvent('room_started', { ...base(), room: room() }),
    room_finished: webhookEvent('room_finished', { ...base(), room: room() }),
    participant_joined: webhookEvent('participant_joined', { ...base(), room: room(), participant: participant() }),
    // DisconnectReason.CLIENT_INITIATED is 1 (livekit_models.proto); the SDK does not export the enum.
    participant_left: webhookEvent('participant_left', { ...base(), room: room(), participant: participant({ disconnectReason: 1 }) }),
    track_published: webhookEvent('track_published', {
      ...base(),
      room: room(),
      participant: participant(),
      track: new TrackInfo({ sid: sample.track.sid, type: TrackType.VIDEO, source: TrackSource.CAMERA }),
    }),
    // An audio track: TrackType.AUDIO is 0, which protojson leaves out.
    track_unpublished: webhookEvent('track_unpublished', {
      ...base(),
      room: room(),
      participant: participant(),
      track: new TrackInfo({ sid: 'TR_audio123', type: TrackType.AUDIO, source: TrackSource.MICROPHONE }),
    }),
    egress_started: webhookEvent('egress_started', {
      ...base(),
      egressInfo: new EgressInfo({ egressId: sample.egress.egressId, roomId: sample.room.sid, roomName: sample.room.name, status: EgressStatus.EGRESS_STARTING }),
    }),
    egress_ended: webhookEvent('egress_ended', {
      ...base(),
      egressInfo: new EgressInfo({
        egressId: sample.egress.egressId,
        roomId: sample.room.sid,
        roomName: sample.room.name,
        status: EgressStatus.EGRESS_COMPLETE,
        fileResults: [{ filename: 'daily-standup.mp4', location: sample.egress.location }],
      }),
    }),
    egress_updated: webhookEvent('egress_updated', {
      ...base(),
      egressInfo: new EgressInfo({ egressId: sample.egress.egressId, roomId: sample.room.sid, roomName: sample.room.name, status: EgressStatus.EGRESS_ACTIVE }),
    }),
    participant_connection_aborted: webhookEvent('participant_connection_aborted', { ...base(), room: room(), participant: participant() }),
  }
}
