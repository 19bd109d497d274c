/** The provider id of Twilio Programmable Video in tokens, rooms and errors. */
export const TWILIO_PROVIDER = 'twilio' as const
