import { describe, expect, it } from 'vitest'
import { createSignalingServer } from '../../src/server/index'
import { SECRET } from './harness'

describe('createSignalingServer options', () => {
  it.each([
    ['messagesPerSecond', 0],
    ['messageBurst', -1],
    ['maxMessageBytes', Number.NaN],
  ])('refuses limits.%s = %s', (name, value) => {
    expect(() => createSignalingServer({ secret: SECRET, limits: { [name]: value } })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(`limits.${name}`) }),
    )
  })
})
