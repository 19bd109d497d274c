/**
 * The names of the form parameters of Twilio Video status callbacks, in this one place.
 *
 * Confirmed by reference/vendors.md §2.4: `AccountSid`, `RoomName`, and the event names. UNCONFIRMED
 * (the documentation excerpt was cut off): every other name below. They follow the naming of
 * Twilio's status callback documentation as published; should one differ, it is one edit here.
 * See docs/providers/twilio.md, "Status callbacks".
 */
export const statusCallbackParameters = {
  accountSid: 'AccountSid',
  roomName: 'RoomName',
  /** UNCONFIRMED */
  event: 'StatusCallbackEvent',
  /** UNCONFIRMED */
  roomSid: 'RoomSid',
  /** UNCONFIRMED */
  roomStatus: 'RoomStatus',
  /** UNCONFIRMED */
  sequenceNumber: 'SequenceNumber',
  /** UNCONFIRMED: an ISO 8601 instant. */
  timestamp: 'Timestamp',
  /** UNCONFIRMED */
  participantSid: 'ParticipantSid',
  /** UNCONFIRMED */
  participantIdentity: 'ParticipantIdentity',
  /** UNCONFIRMED */
  participantStatus: 'ParticipantStatus',
  /** UNCONFIRMED */
  trackSid: 'TrackSid',
  /** UNCONFIRMED: `audio`, `video` or `data`. */
  trackKind: 'TrackKind',
  /** UNCONFIRMED */
  recordingSid: 'RecordingSid',
  /** UNCONFIRMED */
  recordingUri: 'RecordingUri',
} as const

/** The status callback events of reference/vendors.md §2.4. */
export const statusCallbackEvents = [
  'room-created',
  'room-ended',
  'participant-connected',
  'participant-disconnected',
  'track-added',
  'track-removed',
  'track-enabled',
  'track-disabled',
  'recording-started',
  'recording-completed',
  'recording-failed',
] as const
