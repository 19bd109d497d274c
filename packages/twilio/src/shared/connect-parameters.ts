import * as z from 'zod/mini'

/**
 * What a Twilio token carries in `token.connect`: the room to pass to twilio-video's
 * `connect(token, { name })`, and nothing secret. Written by the server half, read by the client half.
 */
export const TwilioConnectParametersSchema = z.object({
  /** The Twilio room's UniqueName (the Callport room name), which the Access Token's video grant names too. */
  roomName: z.string().check(z.minLength(1)),
})
export type TwilioConnectParameters = z.infer<typeof TwilioConnectParametersSchema>
