import { describe, expect, it } from 'vitest'
import { loadTwilioVideo } from '../src/client/load-sdk'

describe('loadTwilioVideo', () => {
  it('imports twilio-video itself when nothing is injected', async () => {
    const real = await import('twilio-video')
    const loaded = await loadTwilioVideo(undefined)
    expect(loaded.connect).toBe(real.connect ?? real.default.connect)
  })

  it('takes the module object as it is', async () => {
    const module = { connect: () => Promise.reject(new Error('unused')) } as never
    expect(await loadTwilioVideo(module)).toBe(module)
  })
})
