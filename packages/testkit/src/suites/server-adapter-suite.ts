import {
  IsoInstantSchema,
  ParticipantSchema,
  RoomSchema,
  TokenSchema,
  type DisconnectReason,
  type Participant,
  type Room,
  type ServerAdapter,
  type Token,
  type TrackKind,
  type WebhookEvent,
  type WebhookRequest,
} from '@callport/core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { expectCallportError, uniqueRoomName, useSuiteContext, type SuiteLifecycle } from './suite-context'

/** Someone the harness put into a room (see `ServerAdapterSuiteOptions.join`). */
export interface JoinedParticipant {
  leave(): Promise<void>
  /**
   * The reason this participant's connection ended with (its `disconnected` event), undefined while
   * it is connected. With it the suite checks that `removeParticipant` ends the connection with `removed`.
   */
  disconnectReason?(): DisconnectReason | undefined
  /**
   * The kinds this participant's connection was told a moderator muted (`muted-by-moderator`), in
   * order. With it the suite checks that `muteParticipant` reaches the participant.
   */
  mutedByModerator?(): readonly TrackKind[]
  /**
   * The participants this connection's `participant-updated` events carried, in order (the others'
   * new names and metadata, as seen from here). With it the suite checks that `updateParticipant`
   * reaches the others in the room.
   */
  participantUpdates?(): readonly Participant[]
}

/** Who `ServerAdapterSuiteOptions.join` puts into a room, and what it should publish where the harness can. */
export interface JoinRequest {
  room: Room
  token: Token
  participant: Participant
  /** Publish a microphone (`audio`) and/or a camera (`video`) where the harness can (the muteParticipant test asks for them). */
  publish?: { audio?: boolean; video?: boolean }
}

/**
 * The suite's back door into the (fake) vendor, in the manner of Auth.js's adapter tests: what the
 * vendor itself holds, read without going through the adapter. Each provider's test builds it from
 * its fake vendor. With it the suite checks that the adapter's answers agree with the vendor.
 */
export interface ServerAdapterSuiteVendor<Context = undefined> {
  /**
   * True when the vendor would admit the holder of `token` into `token.providerRoomId` now (valid
   * signature or known credential, not expired, for that room). The suite checks that every token
   * the adapter issues is accepted, and (see `refuses`) that altered ones are not.
   */
  verifyToken(token: Token, context: Context): boolean | Promise<boolean>
  /** True when the room exists (is live) on the vendor. */
  roomExists(room: Room, context: Context): boolean | Promise<boolean>
  /** The identities the vendor lists in the room; with it the suite compares `listParticipants` to it. */
  participants?(room: Room, context: Context): string[] | Promise<string[]>
  /**
   * Which altered tokens `verifyToken` can tell apart, and so must refuse: `tampered` (one character
   * of `value` changed) and `other-room` (a token issued for one room, its `room` and
   * `providerRoomId` set to another live room's). Leave out what is not meaningful for the vendor
   * (a credential that names no room cannot be moved to another). Default: both.
   */
  refuses?: ReadonlyArray<'tampered' | 'other-room'>
}

/** One webhook delivery the suite signs and hands to the adapter, and what it must parse into. */
export interface ServerAdapterSuiteWebhookDelivery {
  /** The body exactly as the vendor sends it (JSON, form-encoded…). */
  body: string
  /**
   * The normalized event the delivery parses to (matched with `toMatchObject`), or the events in
   * order when one delivery carries several.
   */
  expected: Partial<WebhookEvent> | ReadonlyArray<Partial<WebhookEvent>>
}

/**
 * Webhook checks: with it the suite signs each delivery as the vendor would and checks that it
 * verifies and parses into the expected normalized events with stable ids, and that a tampered
 * body (unless `bodyIntegrity` is false) or signature does not verify. The adapter must then have `webhook` (`capabilities.webhooks`).
 */
export interface ServerAdapterSuiteWebhooks<Context = undefined> {
  /** Signs `body` for delivery to `url` as the vendor does: the request the adapter's `webhook` gets. */
  sign(delivery: { body: string; url: string }, context: Context): WebhookRequest | Promise<WebhookRequest>
  /** The header that carries the signature (`x-twilio-signature`, `authorization`…); the suite alters and removes it. */
  signatureHeader: string
  /** Deliveries to check; at least one. */
  events: ReadonlyArray<ServerAdapterSuiteWebhookDelivery>
  /** Where the deliveries are posted. Default `https://app.example.test/calls/webhooks/<provider>`. */
  url?: string
  /**
   * False for a vendor whose deliveries carry no signature over the body: it authenticates them
   * with a shared secret in a header (OpenVidu's configured `Authorization` header, say), so a body
   * altered on the way still verifies and the "tampered body does not verify" check cannot pass.
   * Only that check is skipped: a delivery without the header, or with an altered one, must still
   * be refused. Default true: the signature covers the body.
   */
  bodyIntegrity?: boolean
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
  join?: (request: JoinRequest, context: Context) => Promise<JoinedParticipant>
  /** A back door into the fake vendor: the suite checks that tokens, rooms and participants agree with it. */
  vendor?: ServerAdapterSuiteVendor<Context>
  /** Signed webhook deliveries: the suite checks verification, parsing and stable event ids. */
  webhooks?: ServerAdapterSuiteWebhooks<Context>
  /** How long a joined participant's back doors (`disconnectReason`, `mutedByModerator`) may take to show an effect. Default 2000 ms. */
  eventTimeoutMilliseconds?: number
}

/** `value` with the character in its middle replaced by another one of the same kind. */
export function tamperWith(value: string): string {
  if (value.length === 0) return 'x'
  const index = Math.floor(value.length / 2)
  const character = value[index]!
  const replacement = /[0-9]/.test(character) ? (character === '0' ? '1' : '0') : /[A-Z]/.test(character) ? (character === 'A' ? 'B' : 'A') : character === 'a' ? 'b' : 'a'
  return value.slice(0, index) + replacement + value.slice(index + 1)
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
  const waiting = { timeout: options.eventTimeoutMilliseconds ?? 2000 }

  describe(`${options.name ?? 'server adapter'} conformance (server adapter v1)`, () => {
    const suite = useSuiteContext(options)
    let adapter: ServerAdapter
    /**
     * What the call server would record: a Room whose `providerRoomId` was a placeholder, by that
     * placeholder, with the vendor's id its first token named (see `IssueTokenOptions.room`).
     */
    let recorded: Map<string, Room>
    beforeEach(async () => {
      recorded = new Map()
      adapter = await options.createAdapter(suite.current())
    })

    const ttl = (): number => {
      const { min, max } = adapter.capabilities.tokenTtlSeconds
      return options.ttlSeconds ?? Math.min(Math.max(600, min), max)
    }
    const liveRoom = (label: string): Promise<Room> => adapter.ensureRoom({ name: uniqueRoomName(label) })
    /** `room` as the call server holds it now: with the vendor's id once a token named one for its placeholder. */
    const resolve = (room: Room): Room => recorded.get(room.providerRoomId) ?? room
    /**
     * A token for `who` in `room` (as recorded). The token names the room's `providerRoomId`, except
     * that a provider making its vendor room lazily may name the vendor's id instead of the
     * placeholder `ensureRoom` gave: then issuing again with a Room carrying that id must keep it,
     * and the suite records it for the room's later tokens, as the call server does.
     */
    const issue = async (room: Room, who: Participant = participant): Promise<Token> => {
      const current = resolve(room)
      const token = await adapter.issueToken({ room: current, participant: who, ttlSeconds: ttl() })
      if (token.providerRoomId === current.providerRoomId) return token
      expect(recorded.has(room.providerRoomId), `token.providerRoomId ${token.providerRoomId} differs from the recorded room's ${current.providerRoomId}`).toBe(false)
      const named: Room = { ...current, providerRoomId: token.providerRoomId }
      const again = await adapter.issueToken({ room: named, participant: who, ttlSeconds: ttl() })
      expect(
        again.providerRoomId,
        `token.providerRoomId ${token.providerRoomId} differs from the room's ${room.providerRoomId}, which is allowed only for a placeholder the token resolves: issuing again with the token's id must keep it`,
      ).toBe(token.providerRoomId)
      recorded.set(room.providerRoomId, named)
      return token
    }
    const join = async (room: Room, who: Participant, publish?: JoinRequest['publish']): Promise<JoinedParticipant> => {
      const token = await issue(room, who)
      const joined = await options.join!({ room: resolve(room), token, participant: who, ...(publish && { publish }) }, suite.current())
      suite.defer(() => joined.leave())
      return joined
    }

    describe('declaration', () => {
      it('declares specification v1 and a provider id', () => {
        expect(adapter.specificationVersion).toBe('v1')
        expect(adapter.provider).toMatch(/^[a-z][a-z0-9-]*$/)
      })

      it.each(optionalMethods)('has %s exactly when its capability flag is true', (method) => {
        expect(typeof adapter[method] === 'function', `typeof ${method} vs capabilities.${method}`).toBe(adapter.capabilities[method])
      })

      // Added by issue 16: an adapter written before it may leave the flag out (absent = false).
      it('has muteParticipant exactly when capabilities.muteParticipant is true', () => {
        expect(['boolean', 'undefined'], 'capabilities.muteParticipant').toContain(typeof adapter.capabilities.muteParticipant)
        expect(typeof adapter.muteParticipant === 'function', 'typeof muteParticipant vs capabilities.muteParticipant').toBe(adapter.capabilities.muteParticipant === true)
      })

      // Added by issue 17: an adapter written before it may leave the flag out (absent = false).
      it('has updateParticipant exactly when capabilities.updateParticipant is true', () => {
        expect(['boolean', 'undefined'], 'capabilities.updateParticipant').toContain(typeof adapter.capabilities.updateParticipant)
        expect(typeof adapter.updateParticipant === 'function', 'typeof updateParticipant vs capabilities.updateParticipant').toBe(
          adapter.capabilities.updateParticipant === true,
        )
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
        // `issue` checks the providerRoomId: the room's, or the vendor's id for a placeholder.
        expect(token).toMatchObject({ provider: adapter.provider, room: room.name, providerRoomId: resolve(room).providerRoomId, identity: participant.identity })
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
        if (adapter.muteParticipant) await expectCallportError(adapter.muteParticipant({ room, identity: participant.identity, kind: 'audio', signal }), ['ABORTED'])
        if (adapter.updateParticipant) await expectCallportError(adapter.updateParticipant({ room, identity: participant.identity, name: 'Aborted', signal }), ['ABORTED'])
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
        const participants = await adapter.listParticipants!({ room: resolve(room) })
        for (const listed of participants) ParticipantSchema.parse(listed)
        if (options.join) expect(participants.map((listed) => listed.identity)).toEqual([participant.identity])
      })

      it('removeParticipant: removes someone in the room', async (test) => {
        test.skip(!adapter.removeParticipant, 'capabilities.removeParticipant is false')
        test.skip(!options.join, 'no join option to put someone in the room')
        const room = await liveRoom('remove')
        await join(room, participant)
        await adapter.removeParticipant!({ room: resolve(room), identity: participant.identity })
        if (adapter.listParticipants) expect((await adapter.listParticipants({ room: resolve(room) })).map((listed) => listed.identity)).not.toContain(participant.identity)
      })

      it("removeParticipant: the removed participant's connection ends with reason removed", async (test) => {
        test.skip(!adapter.removeParticipant, 'capabilities.removeParticipant is false')
        test.skip(!options.join, 'no join option to put someone in the room')
        const room = await liveRoom('remove-reason')
        const joined = await join(room, participant)
        test.skip(!joined.disconnectReason, 'the joined participant has no disconnectReason back door')
        await adapter.removeParticipant!({ room: resolve(room), identity: participant.identity })
        await vi.waitFor(() => expect(joined.disconnectReason!()).toBe('removed'), waiting)
      })

      it('muteParticipant: someone absent is PARTICIPANT_NOT_FOUND', async (test) => {
        test.skip(!adapter.muteParticipant, 'capabilities.muteParticipant is false')
        const room = await liveRoom('mute-absent')
        // Someone else is in the room where the harness can put them: the room is live on the vendor.
        if (options.join) await join(room, { identity: 'conformance-other', role: 'publisher' })
        await expectCallportError(adapter.muteParticipant!({ room: resolve(room), identity: 'nobody-here', kind: 'audio' }), ['PARTICIPANT_NOT_FOUND'])
      })

      for (const kind of ['audio', 'video'] as const) {
        it(`muteParticipant (${kind}): succeeds for someone in the room, who is told (muted-by-moderator)`, async (test) => {
          test.skip(!adapter.muteParticipant, 'capabilities.muteParticipant is false')
          test.skip(!options.join, 'no join option to put someone in the room')
          const room = await liveRoom(`mute-${kind}`)
          const joined = await join(room, participant, { audio: true, video: true })
          await adapter.muteParticipant!({ room: resolve(room), identity: participant.identity, kind })
          if (joined.mutedByModerator) await vi.waitFor(() => expect(joined.mutedByModerator!()).toContain(kind), waiting)
          // Muting what is already muted succeeds.
          await adapter.muteParticipant!({ room: resolve(room), identity: participant.identity, kind })
        })
      }

      it('updateParticipant: someone absent is PARTICIPANT_NOT_FOUND', async (test) => {
        test.skip(!adapter.updateParticipant, 'capabilities.updateParticipant is false')
        const room = await liveRoom('update-absent')
        // Someone else is in the room where the harness can put them: the room is live on the vendor.
        if (options.join) await join(room, { identity: 'conformance-other', role: 'publisher' })
        await expectCallportError(adapter.updateParticipant!({ room: resolve(room), identity: 'nobody-here', name: 'Nobody' }), ['PARTICIPANT_NOT_FOUND'])
      })

      it('updateParticipant: an empty or over-long name, or metadata that is not an object, is INVALID_INPUT', async (test) => {
        test.skip(!adapter.updateParticipant, 'capabilities.updateParticipant is false')
        const room = await liveRoom('update-invalid')
        for (const changes of [{ name: '' }, { name: 'x'.repeat(257) }, { metadata: 'raised' as never }, { metadata: ['raised'] as never }]) {
          await expectCallportError(adapter.updateParticipant!({ room: resolve(room), identity: participant.identity, ...changes }), ['INVALID_INPUT'])
        }
      })

      it('updateParticipant: the others in the room see the new name and metadata (participant-updated); what is left out stays', async (test) => {
        test.skip(!adapter.updateParticipant, 'capabilities.updateParticipant is false')
        test.skip(!options.join, 'no join option to put someone in the room')
        const room = await liveRoom('update')
        await join(room, participant)
        const observer = await join(room, { identity: 'conformance-observer', role: 'publisher' })
        const updatesOf = () => (observer.participantUpdates?.() ?? []).filter((updated) => updated.identity === participant.identity)
        const name = 'Conformance Zoë 会议 🎉'
        await adapter.updateParticipant!({ room: resolve(room), identity: participant.identity, name, metadata: { hand: 'raised', seat: 3, tags: ['ü', null] } })
        if (observer.participantUpdates) {
          await vi.waitFor(() => expect(updatesOf().at(-1)).toMatchObject({ name, metadata: { hand: 'raised', seat: 3, tags: ['ü', null] } }), waiting)
        }
        // Metadata alone: the name stays, the metadata object is replaced whole.
        await adapter.updateParticipant!({ room: resolve(room), identity: participant.identity, metadata: { hand: 'down' } })
        if (observer.participantUpdates) {
          await vi.waitFor(() => {
            const last = updatesOf().at(-1)
            expect(last?.metadata).toEqual({ hand: 'down' })
            expect(last?.name).toBe(name)
          }, waiting)
        }
        if (adapter.listParticipants) {
          const listed = (await adapter.listParticipants({ room: resolve(room) })).find((found) => found.identity === participant.identity)
          expect(listed, 'listParticipants still lists the updated participant').toBeDefined()
          if (listed?.name !== undefined) expect(listed.name, 'the name listParticipants gives').toBe(name)
        }
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

    describe('vendor agreement', () => {
      const vendor = options.vendor
      const refuses = new Set(vendor?.refuses ?? ['tampered', 'other-room'])
      const context = () => suite.current()

      it('ensureRoom makes the room exist on the vendor (or, for a placeholder id, its first token does)', async (test) => {
        test.skip(!vendor, 'no vendor option')
        const room = await liveRoom('vendor-room')
        if (await vendor!.roomExists(room, context())) return
        // Only a provider that makes its vendor room lazily may leave it to the first token, whose
        // providerRoomId then names the room it made instead of the placeholder.
        await issue(room)
        const made = resolve(room)
        expect(made.providerRoomId, `room ${room.name} is not on the vendor after ensureRoom, and its first token named no other providerRoomId`).not.toBe(room.providerRoomId)
        expect(await vendor!.roomExists(made, context()), `room ${room.name} (${made.providerRoomId}) on the vendor after its first token`).toBe(true)
      })

      it('every token issued is accepted by the vendor', async (test) => {
        test.skip(!vendor, 'no vendor option')
        const room = await liveRoom('vendor-token')
        for (const who of [participant, { identity: 'conformance-other', role: 'subscriber' as const }]) {
          const token = await issue(room, who)
          expect(await vendor!.verifyToken(token, context()), `token of ${who.identity}`).toBe(true)
        }
      })

      it('a tampered token is refused by the vendor', async (test) => {
        test.skip(!vendor, 'no vendor option')
        test.skip(!refuses.has('tampered'), 'vendor.refuses leaves out "tampered"')
        const token = await issue(await liveRoom('vendor-tampered'))
        expect(await vendor!.verifyToken({ ...token, value: tamperWith(token.value) }, context())).toBe(false)
      })

      it('a token moved to another room is refused by the vendor', async (test) => {
        test.skip(!vendor, 'no vendor option')
        test.skip(!refuses.has('other-room'), 'vendor.refuses leaves out "other-room"')
        const token = await issue(await liveRoom('vendor-first'))
        // The other room is live on the vendor, with someone else admitted (a lazy provider makes it now).
        const second = await liveRoom('vendor-second')
        await issue(second, { identity: 'conformance-other', role: 'subscriber' })
        const other = resolve(second)
        expect(await vendor!.verifyToken({ ...token, room: other.name, providerRoomId: other.providerRoomId }, context())).toBe(false)
      })

      it('closeRoom removes the room from the vendor', async (test) => {
        test.skip(!vendor, 'no vendor option')
        test.skip(!adapter.closeRoom, 'capabilities.closeRoom is false')
        const room = await liveRoom('vendor-close')
        await adapter.closeRoom!({ room })
        expect(await vendor!.roomExists(room, context())).toBe(false)
      })

      it('listParticipants agrees with the vendor', async (test) => {
        test.skip(!vendor?.participants, 'no vendor.participants option')
        test.skip(!adapter.listParticipants, 'capabilities.listParticipants is false')
        const room = await liveRoom('vendor-list')
        if (options.join) await join(room, participant)
        const listed = (await adapter.listParticipants!({ room: resolve(room) })).map((entry) => entry.identity).sort()
        expect(listed).toEqual([...(await vendor!.participants!(resolve(room), context()))].sort())
        if (options.join) expect(listed).toEqual([participant.identity])
      })
    })

    describe('webhooks', () => {
      const webhooks = options.webhooks
      const url = (): string => webhooks?.url ?? `https://app.example.test/calls/webhooks/${adapter.provider}`
      const signed = (body: string): Promise<WebhookRequest> => Promise.resolve(webhooks!.sign({ body, url: url() }, suite.current()))
      const handler = () => {
        expect(adapter.webhook, 'the webhooks option needs an adapter with webhook (capabilities.webhooks)').toBeDefined()
        return adapter.webhook!
      }
      const expectedOf = (delivery: ServerAdapterSuiteWebhookDelivery): ReadonlyArray<Partial<WebhookEvent>> =>
        Array.isArray(delivery.expected) ? (delivery.expected as ReadonlyArray<Partial<WebhookEvent>>) : [delivery.expected as Partial<WebhookEvent>]

      it('a signed delivery verifies and parses into the expected normalized events', async (test) => {
        test.skip(!webhooks, adapter.webhook ? 'no webhooks option (the adapter has webhook: give the suite one)' : 'capabilities.webhooks is false')
        expect(webhooks!.events.length, 'webhooks.events needs at least one delivery').toBeGreaterThan(0)
        for (const delivery of webhooks!.events) {
          const request = await signed(delivery.body)
          expect(await handler().verify(request), `verify(${delivery.body.slice(0, 80)})`).toBe(true)
          const events = await handler().parse(request)
          const expected = expectedOf(delivery)
          expect(events).toHaveLength(expected.length)
          events.forEach((event, index) => {
            expect(event).toMatchObject(expected[index]!)
            expect(event.provider).toBe(adapter.provider)
            expect(event.id.length).toBeGreaterThan(0)
            expect(IsoInstantSchema.safeParse(event.occurredAt).success, `occurredAt ${event.occurredAt}`).toBe(true)
            expect(event.room.providerRoomId.length).toBeGreaterThan(0)
            expect(event).toHaveProperty('raw')
          })
        }
      })

      it('a tampered body does not verify', async (test) => {
        test.skip(!webhooks, adapter.webhook ? 'no webhooks option (the adapter has webhook: give the suite one)' : 'capabilities.webhooks is false')
        test.skip(webhooks!.bodyIntegrity === false, 'webhooks.bodyIntegrity is false: the vendor signs no body')
        for (const delivery of webhooks!.events) {
          const request = await signed(delivery.body)
          expect(await handler().verify({ ...request, body: `${request.body} ` }), 'body with a space added').toBe(false)
          expect(await handler().verify({ ...request, body: tamperWith(request.body) }), 'body with a character changed').toBe(false)
        }
      })

      it('a tampered or missing signature does not verify', async (test) => {
        test.skip(!webhooks, adapter.webhook ? 'no webhooks option (the adapter has webhook: give the suite one)' : 'capabilities.webhooks is false')
        for (const delivery of webhooks!.events) {
          const request = await signed(delivery.body)
          const signature = request.headers.get(webhooks!.signatureHeader)
          expect(signature, `the signed request has ${webhooks!.signatureHeader}`).not.toBeNull()
          const altered = new Headers(request.headers)
          altered.set(webhooks!.signatureHeader, tamperWith(signature!))
          expect(await handler().verify({ ...request, headers: altered }), 'signature with a character changed').toBe(false)
          const missing = new Headers(request.headers)
          missing.delete(webhooks!.signatureHeader)
          expect(await handler().verify({ ...request, headers: missing }), 'no signature').toBe(false)
        }
      })

      it('the same delivery twice gives the same event ids', async (test) => {
        test.skip(!webhooks, adapter.webhook ? 'no webhooks option (the adapter has webhook: give the suite one)' : 'capabilities.webhooks is false')
        for (const delivery of webhooks!.events) {
          const first = await handler().parse(await signed(delivery.body))
          const again = await handler().parse(await signed(delivery.body))
          expect(again.map((event) => event.id)).toEqual(first.map((event) => event.id))
        }
      })
    })
  })
}
