import * as z from 'zod/mini'
import type { CallportError } from '@callport/core'
import { basicAuthorization, createVendorRestClient, type VendorAnswerSnapshot, type VendorErrorDescription, type VendorRestClient } from '@callport/provider-utils/server'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { meaningOfTwilioCode } from '../shared/twilio-error-codes'
import { VERSION } from '../shared/version'
import type { ResolvedTwilioSettings } from './settings'

/** Twilio's REST error body (reference/vendors.md §2.3). */
export const TwilioErrorBodySchema = z.looseObject({
  code: z.number(),
  message: z.string(),
  more_info: z.optional(z.string()),
  status: z.optional(z.number()),
})
export type TwilioErrorBody = z.infer<typeof TwilioErrorBodySchema>

/**
 * Reads Twilio's error body: its words and code go in the message (`Room name is invalid (Twilio
 * error 53100)`) and in `details` (`{ twilioCode, moreInfo }`), and a documented code decides what a
 * 4xx means (shared/twilio-error-codes.ts). A 404, 429 or 5xx keeps the meaning of its status:
 * there the status says more than the code (20404, 20429, 20500).
 */
export function describeTwilioError({ status, body }: VendorAnswerSnapshot): VendorErrorDescription | undefined {
  const parsed = TwilioErrorBodySchema.safeParse(body)
  if (!parsed.success) return undefined
  const { code, message, more_info: moreInfo } = parsed.data
  const description: VendorErrorDescription = { detail: `${message} (Twilio error ${code})`, details: { twilioCode: code, moreInfo } }
  const meaning = status === 404 || status === 429 || status >= 500 ? undefined : meaningOfTwilioCode(code)
  return meaning ? { ...description, code: meaning.code, retryable: meaning.retryable } : description
}

/** The Twilio error code a REST failure carried, if any. */
export function twilioCodeOfFailure(error: CallportError): number | undefined {
  const details = error.details as { twilioCode?: unknown } | undefined
  return typeof details?.twilioCode === 'number' ? details.twilioCode : undefined
}

/**
 * Twilio's Video REST API on the shared vendor REST client: HTTP Basic auth with the API key,
 * form-encoded bodies, Twilio's error body read by {@link describeTwilioError}.
 */
export function createTwilioRestClient(settings: ResolvedTwilioSettings): VendorRestClient {
  return createVendorRestClient({
    provider: TWILIO_PROVIDER,
    vendor: 'Twilio',
    providerVersion: VERSION,
    baseUrl: settings.baseUrl,
    headers: { authorization: basicAuthorization(settings.apiKeySid, settings.apiKeySecret), accept: 'application/json' },
    settings: settings.rest,
    describeError: describeTwilioError,
  })
}
