import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTurnCredentials, parseTurnServerSettings, TURN_ENVIRONMENT_VARIABLES, turnSettingsFromEnvironment } from '../src/server/index'

const settings = { urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example.com:5349'], secret: 'coturn-static-auth-secret' }

/** What coturn computes for a REST-API username (turn_server/userdb.c: HMAC-SHA1 of the username with the static secret, base64). */
const coturnPassword = (secret: string, username: string) => createHmac('sha1', secret).update(username, 'utf8').digest('base64')

describe('createTurnCredentials', () => {
  it('names the expiry and the identity in the username, and signs it as coturn checks it', async () => {
    const now = Date.UTC(2026, 11, 2, 7, 0, 0)
    const server = await createTurnCredentials(settings, { identity: 'alice', ttlSeconds: 600, now })
    expect(server.username).toBe(`${now / 1000 + 600}:alice`)
    expect(server.credential).toBe(coturnPassword(settings.secret, server.username))
    expect(server.urls).toEqual(settings.urls)
    expect(server.urls).not.toBe(settings.urls)
  })

  it.each([
    ['alice', 'coturn-static-auth-secret', 1],
    ['Zoë Ångström', 'sécret', 600],
    ['用户:42', '秘密', 3_600],
    ['🙂 with spaces', 'a'.repeat(200), 86_400],
  ])('agrees with node:crypto for %j (secret %j, %i s)', async (identity, secret, ttlSeconds) => {
    const server = await createTurnCredentials({ urls: settings.urls, secret }, { identity, ttlSeconds, now: 1_700_000_000_500 })
    expect(server.username).toBe(`${1_700_000_000 + ttlSeconds}:${identity}`)
    expect(server.credential).toBe(coturnPassword(secret, server.username))
  })

  it('refuses a lifetime that is not a positive whole number of seconds', async () => {
    for (const ttlSeconds of [0, -1, 1.5, Number.NaN]) {
      await expect(createTurnCredentials(settings, { identity: 'alice', ttlSeconds })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    }
  })
})

describe('parseTurnServerSettings', () => {
  it('takes turn: and turns: URIs with a secret', () => {
    expect(parseTurnServerSettings(settings)).toEqual(settings)
  })

  it.each([
    [{ urls: [], secret: 's' }, /urls: at least one TURN URI/],
    [{ urls: ['stun:127.0.0.1:3478'], secret: 's' }, /urls\.0: a turn: or turns: URI/],
    [{ urls: ['turn:127.0.0.1'], secret: '' }, /secret: the shared secret is empty/],
    [{ urls: ['turn:127.0.0.1'], secret: 's', password: 'x' }, /unknown setting "password"/],
  ])('refuses %j by name', (input, message) => {
    expect(() => parseTurnServerSettings(input, 'signaling')).toThrow(message)
    expect(() => parseTurnServerSettings(input)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})

describe('turnSettingsFromEnvironment', () => {
  it('reads CALLPORT_TURN_URLS (comma-separated, trimmed) and CALLPORT_TURN_SECRET when both are set', () => {
    expect(turnSettingsFromEnvironment({ CALLPORT_TURN_URLS: 'turn:a.example:3478?transport=udp, turns:a.example:5349', CALLPORT_TURN_SECRET: 's3cret' })).toEqual({
      urls: ['turn:a.example:3478?transport=udp', 'turns:a.example:5349'],
      secret: 's3cret',
    })
    expect(TURN_ENVIRONMENT_VARIABLES).toEqual({ urls: 'CALLPORT_TURN_URLS', secret: 'CALLPORT_TURN_SECRET' })
  })

  it.each([{}, { CALLPORT_TURN_URLS: 'turn:a.example' }, { CALLPORT_TURN_SECRET: 's3cret' }, { CALLPORT_TURN_URLS: '', CALLPORT_TURN_SECRET: 's3cret' }])(
    'gives nothing unless both are set (%j)',
    (environment) => {
      expect(turnSettingsFromEnvironment(environment)).toBeUndefined()
    },
  )
})
