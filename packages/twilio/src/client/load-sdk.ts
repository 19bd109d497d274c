import { CallportError } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import type { TwilioVideo } from './twilio-video-types'

/** Where twilio-video comes from: the module itself, or a function that imports it (`() => import('twilio-video')`). */
export type TwilioVideoSource = TwilioVideo | (() => Promise<unknown>)

/** The globals twilio-video's browser build (`dist/twilio-video.min.js`, the CDN script) defines: `Twilio.Video`. */
export interface TwilioVideoGlobals {
  Twilio?: { Video?: unknown }
}

/** Said when neither the `sdk` option nor the CDN global gives twilio-video. */
export const TWILIO_VIDEO_MISSING =
  'twilio-video is not available: pass it as the sdk option (twilio({ sdk: () => import("twilio-video") }) after npm install twilio-video, or the module itself), or load twilio-video\'s browser build from the CDN (https://sdk.twilio.com/js/video/releases/<version>/twilio-video.min.js), which defines window.Twilio.Video'

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
 * Finds twilio-video when a call starts, never at import, and never imports it itself (so that a
 * build of the app needs no twilio-video installed): the injected module or loader, else
 * `globalThis.Twilio.Video` from twilio-video's browser build on the page, else UNSUPPORTED
 * naming both ways.
 */
export async function loadTwilioVideo(source: TwilioVideoSource | undefined, globals: TwilioVideoGlobals = globalThis as TwilioVideoGlobals): Promise<TwilioVideo> {
  if (source === undefined) {
    const global = globals.Twilio?.Video
    if (isTwilioVideo(global)) return global
    throw new CallportError('UNSUPPORTED', TWILIO_VIDEO_MISSING, { provider: TWILIO_PROVIDER })
  }
  if (typeof source !== 'function') return twilioVideoOf(source)
  let module: unknown
  try {
    module = await source()
  } catch (error) {
    throw new CallportError(
      'UNSUPPORTED',
      `The sdk loader failed to load twilio-video (is it installed? npm install twilio-video): ${String((error as Error | undefined)?.message ?? error)}`,
      {
        provider: TWILIO_PROVIDER,
        cause: error,
      },
    )
  }
  return twilioVideoOf(module)
}
