import { CallportError } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import type { TwilioVideo } from './twilio-video-types'

/** Where twilio-video comes from: the module itself, or a function that imports it. */
export type TwilioVideoSource = TwilioVideo | (() => Promise<unknown>)

function isTwilioVideo(value: unknown): value is TwilioVideo {
  return typeof value === 'object' && value !== null && typeof (value as TwilioVideo).connect === 'function'
}

/** The module, or its `default` (a CommonJS module imported from ESM). */
function twilioVideoOf(module: unknown): TwilioVideo {
  const found = [module, (module as { default?: unknown } | null)?.default].find(isTwilioVideo)
  if (found) return found
  throw new CallportError('INVALID_INPUT', 'The twilio-video loader did not resolve to the twilio-video module (an object with connect)', {
    provider: TWILIO_PROVIDER,
  })
}

/**
 * Loads twilio-video when a call starts, never at import: the injected module or loader, else
 * `import('twilio-video')` (an optional peer dependency the app installs).
 */
export async function loadTwilioVideo(source: TwilioVideoSource | undefined): Promise<TwilioVideo> {
  if (source !== undefined && typeof source !== 'function') return twilioVideoOf(source)
  try {
    return twilioVideoOf(await (source ?? (() => import('twilio-video')))())
  } catch (error) {
    if (CallportError.isInstance(error)) throw error
    throw new CallportError('UNSUPPORTED', 'twilio-video could not be loaded: install it (npm install twilio-video) or pass it as the sdk option', {
      provider: TWILIO_PROVIDER,
      cause: error,
    })
  }
}
