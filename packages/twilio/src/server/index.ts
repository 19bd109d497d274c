/**
 * The Twilio server half: `twilio(settings)` for createCallServer. Internals (Access Token signing,
 * `X-Twilio-Signature` verification, status callback normalization) are not exported.
 */
export { twilio, twilioServerCapabilities, twilioTokenTtlBounds, type TwilioServerAdapter } from './twilio-server-adapter'
export type { TwilioSettings } from './settings'
export { VERSION } from '../shared/version'
