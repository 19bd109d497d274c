import { ParticipantSchema, RoomSchema, TokenSchema, type Participant, type Room, type ServerAdapter, type Token } from '@callport/core'
import { beforeEach, describe, expect, it } from 'vitest'
import { expectCallportError, uniqueRoomName, useSuiteContext, type SuiteLifecycle } from './suite-context'

/** Someone the harness put into a room (see `ServerAdapterSuiteOptions.join`). */
export interface JoinedParticipant {
  leave(): Promise<void>
}

export interface ServerAdapterSuiteOptions<Context = undefined> extends SuiteLifecycle<Context> {
  /** Title of the `describe` block; "server adapter" by default. */
  name?: string
  /** Makes the adapter under test (called before each test, after `setup`). */
  createAdapter: (context: Context) => ServerAdapter | Promise<ServerAdapter>
  /** Who tokens are issued for. */
  participant?: Participant
  /** Lifetime of the tokens the suite issues; 600 seconds clamped into the adapter's bounds by default. */
  ttlSeconds?: number
  /** How far `expiresAt` may be from now + ttl, in seconds (vendor rounding, clocks). Default 5. */
  expiryToleranceSeconds?: number
  /**
   * Puts a participant holding `token` into `room` (for example by connecting the matching client
   * adapter, or by adding it to the fake vendor). With it the suite also checks `listParticipants`
   * and `removeParticipant` with someone in the room.
   */
  join?: (request: { room: Room; token: Token; participant: Participant }, context: Context) => Promise<JoinedParticipant>
}

const optionalMethods = ['getRoom', 'listParticipants', 'removeParticipant', 'closeRoom'] as const

const defaultParticipant: Participant = { identity: 'conformance-user', name: 'Conformance User', role: 'publisher' }

/**
 * Registers the conformance tests of the server adapter specification v1 (vitest `describe`/`it`).
 * Optional methods are tested when the adapter's capabilities say they are present, and the
 * others are reported as skipped.
 */
export function runServerAdapterSuite<Context = undefined>(options: ServerAdapterSuiteOptions<Context>): void {
  const participant = options.participant ?? defaultParticipant
  const toleranceMilliseconds = (options.expiryToleranceSeconds ?? 5) * 1000

  describe(`${options.name ?? 'server adapter'} conformance (server adapter v1)`, () => {
    const suite = useSuiteContext(options)
    let adapter: ServerAdapter
    beforeEach(async () => {
      adapter = await options.createAdapter(suite.current())
    })

    const ttl = (): number => {
      const { min, max } = adapter.capabilities.tokenTtlSeconds
      return options.ttlSeconds ?? Math.min(Math.max(600, min), max)
    }
    const liveRoom = (label: string): Promise<Room> => adapter.ensureRoom({ name: uniqueRoomName(label) })
    const issue = (room: Room, who: Participant = participant): Promise<Token> => adapter.issueToken({ room, participant: who, ttlSeconds: ttl() })
    const join = async (room: Room, who: Participant): Promise<void> => {
      const joined = await options.join!({ room, token: await issue(room, who), participant: who }, suite.current())
      suite.defer(() => joined.leave())
    }

    describe('declaration', () => {
      it('declares specification v1 and a provider id', () => {
        expect(adapter.specificationVersion).toBe('v1')
        expect(adapter.provider).toMatch(/^[a-z][a-z0-9-]*$/)
      })

      it.each(optionalMethods)('has %s exactly when its capability flag is true', (method) => {
        expect(typeof adapter[method] === 'function', `typeof ${method} vs capabilities.${method}`).toBe(adapter.capabilities[method])
      })

      it('has a webhook handler (verify and parse) exactly when capabilities.webhooks is true', () => {
        const handler = adapter.webhook
        const complete = typeof handler?.verify === 'function' && typeof handler.parse === 'function'
        expect(complete || handler === undefined, 'webhook must have both verify and parse').toBe(true)
        expect(complete).toBe(adapter.capabilities.webhooks)
      })

      it('declares whole-second token lifetime bounds with 1 <= min <= max', () => {
        const { min, max } = adapter.capabilities.tokenTtlSeconds
        expect(Number.isInteger(min) && Number.isInteger(max), `bounds ${min}…${max}`).toBe(true)
        expect(min).toBeGreaterThanOrEqual(1)
        expect(max).toBeGreaterThanOrEqual(min)
        expect(ttl()).toBeGreaterThanOrEqual(min)
        expect(ttl()).toBeLessThanOrEqual(max)
      })
    })

    describe('ensureRoom', () => {
      it('returns a valid Room with the name and this provider', async () => {
        const name = uniqueRoomName('ensure')
        const room = RoomSchema.parse(await adapter.ensureRoom({ name }))
        expect(room.name).toBe(name)
        expect(room.provider).toBe(adapter.provider)
      })

      it('is idempotent: the same name gives the same providerRoomId', async () => {
        const name = uniqueRoomName('again')
        const first = await adapter.ensureRoom({ name })
        const second = await adapter.ensureRoom({ name })
        expect(second.providerRoomId).toBe(first.providerRoomId)
      })

      it('is idempotent under concurrent calls', async () => {
        const name = uniqueRoomName('concurrent')
        const rooms = await Promise.all([1, 2, 3].map(() => adapter.ensureRoom({ name })))
        expect(new Set(rooms.map((room) => room.providerRoomId)).size).toBe(1)
      })

      it('gives distinct names distinct providerRoomIds, also names differing only in case or punctuation', async () => {
        const base = uniqueRoomName('x').toLowerCase()
        const names = [`${base}-Room-1`, `${base}-room-1`, `${base}-room_1`, `${base}-room.1`, `${base}-room~1`, `${base}-room-2`]
        const rooms = await Promise.all(names.map((name) => adapter.ensureRoom({ name })))
        expect(rooms.map((room) => room.name)).toEqual(names)
        expect(new Set(rooms.map((room) => room.providerRoomId)).size).toBe(names.length)
      })
    })

    describe('issueToken', () => {
      it('returns a valid Token for that room, identity and provider', async () => {
        const room = await liveRoom('token')
        const token = TokenSchema.parse(await issue(room))
        expect(token).toMatchObject({ provider: adapter.provider, room: room.name, providerRoomId: room.providerRoomId, identity: participant.identity })
        expect(token.value.length).toBeGreaterThan(0)
      })

      it('sets expiresAt to about now + ttlSeconds', async () => {
        const room = await liveRoom('expiry')
        const before = Date.now()
        const token = await issue(room)
        const after = Date.now()
        const expiresAt = Date.parse(token.expiresAt)
        expect(expiresAt).toBeGreaterThanOrEqual(before + ttl() * 1000 - toleranceMilliseconds)
        expect(expiresAt).toBeLessThanOrEqual(after + ttl() * 1000 + toleranceMilliseconds)
      })

      it('refuses lifetimes outside the declared bounds with INVALID_INPUT', async () => {
        const room = await liveRoom('bounds')
        const { min, max } = adapter.capabilities.tokenTtlSeconds
        for (const ttlSeconds of [min - 1, max + 1]) {
          await expectCallportError(adapter.issueToken({ room, participant, ttlSeconds }), ['INVALID_INPUT'])
        }
      })
    })

    describe('aborting', () => {
      it('rejects with ABORTED when the signal has already fired', async () => {
        const room = await liveRoom('abort')
        const signal = AbortSignal.abort()
        await expectCallportError(adapter.ensureRoom({ name: uniqueRoomName('aborted'), signal }), ['ABORTED'])
        await expectCallportError(adapter.issueToken({ room, participant, ttlSeconds: ttl(), signal }), ['ABORTED'])
        if (adapter.getRoom) await expectCallportError(adapter.getRoom({ name: room.name, signal }), ['ABORTED'])
        if (adapter.listParticipants) await expectCallportError(adapter.listParticipants({ room, signal }), ['ABORTED'])
        if (adapter.removeParticipant) await expectCallportError(adapter.removeParticipant({ room, identity: participant.identity, signal }), ['ABORTED'])
        if (adapter.closeRoom) await expectCallportError(adapter.closeRoom({ room, signal }), ['ABORTED'])
      })
    })

    describe('optional methods', () => {
      it('getRoom: null for a room that was never created', async (test) => {
        test.skip(!adapter.getRoom, 'capabilities.getRoom is false')
        expect(await adapter.getRoom!({ name: uniqueRoomName('unknown') })).toBeNull()
      })

      it('getRoom: the live room, with the providerRoomId ensureRoom gave', async (test) => {
        test.skip(!adapter.getRoom, 'capabilities.getRoom is false')
        const room = await liveRoom('get')
        const found = await adapter.getRoom!({ name: room.name })
        expect(found && RoomSchema.parse(found)).toMatchObject({ name: room.name, provider: adapter.provider, providerRoomId: room.providerRoomId })
      })

      it('listParticipants: valid participants', async (test) => {
        test.skip(!adapter.listParticipants, 'capabilities.listParticipants is false')
        const room = await liveRoom('list')
        if (options.join) await join(room, participant)
        const participants = await adapter.listParticipants!({ room })
        for (const listed of participants) ParticipantSchema.parse(listed)
        if (options.join) expect(participants.map((listed) => listed.identity)).toEqual([participant.identity])
      })

      it('removeParticipant: removes someone in the room', async (test) => {
        test.skip(!adapter.removeParticipant, 'capabilities.removeParticipant is false')
        test.skip(!options.join, 'no join option to put someone in the room')
        const room = await liveRoom('remove')
        await join(room, participant)
        await adapter.removeParticipant!({ room, identity: participant.identity })
        if (adapter.listParticipants) expect((await adapter.listParticipants({ room })).map((listed) => listed.identity)).not.toContain(participant.identity)
      })

      it('removeParticipant: someone absent resolves or fails with a CallportError', async (test) => {
        test.skip(!adapter.removeParticipant, 'capabilities.removeParticipant is false')
        const room = await liveRoom('remove-absent')
        await adapter.removeParticipant!({ room, identity: 'nobody-here' }).catch((error: unknown) =>
          expectCallportError(Promise.reject(error), ['PARTICIPANT_NOT_FOUND', 'NOT_FOUND', 'ROOM_NOT_FOUND']),
        )
      })

      it('closeRoom: the room is no longer live, and ensureRoom makes it live again', async (test) => {
        test.skip(!adapter.closeRoom, 'capabilities.closeRoom is false')
        const room = await liveRoom('close')
        await adapter.closeRoom!({ room })
        if (adapter.getRoom) expect(await adapter.getRoom({ name: room.name })).toBeNull()
        const again = await adapter.ensureRoom({ name: room.name })
        expect(again.name).toBe(room.name)
        if (adapter.getRoom) expect((await adapter.getRoom({ name: room.name }))?.providerRoomId).toBe(again.providerRoomId)
      })
    })
  })
}
