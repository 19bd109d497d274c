import { RoomNameSchema } from '@callport/core'

/**
 * The Callport room name for a VidyoWorks room: its room key, taken from a room link
 * (`https://portal.example.com/join/AbC123xYz` or `…/flex.html?roomdirect.html&key=AbC123xYz`) or
 * given as the bare key. Room keys are letters and digits, so they are valid room names as they are,
 * and — without a `Z` — they are the Vidyo.io resourceId too.
 */
export function roomNameFromVidyoWorks(linkOrKey: string): string {
  const trimmed = linkOrKey.trim()
  let key = trimmed
  if (/^https?:\/\//i.test(trimmed)) {
    const url = new URL(trimmed)
    const fromQuery = /(?:^|[?&])key=([^&#]+)/.exec(url.search)?.[1]
    key = fromQuery ?? url.pathname.split('/').filter(Boolean).at(-1) ?? ''
  }
  return RoomNameSchema.parse(decodeURIComponent(key))
}
