import {
  CallportError,
  IdentitySchema,
  InviteRequestSchema,
  RoomNameSchema,
  type CallServerEvents,
  type Invite,
  type InviteAction,
  type JoinResponse,
  type Participant,
  type Room,
  type ServerAdapter,
  type Token,
  type TrackKind,
} from '@callport/core'
import { EventEmitter } from 'eventemitter3'
import { createCallEngine, type CallEngine } from './call-engine'
import { toResponse, type Answer } from './answer'
import { createHttpHandler } from './http-handler'
import { fromFetchRequest, handleIncomingCall, type IncomingCall } from './incoming-call'
import { answeringInvites } from './invites/answer-on-join'
import { createInviteRoutes } from './invites/invite-routes'
import { createInviteService, type InviteService } from './invites/invite-service'
import { loggedJoin, programmaticAttempt } from './join-log'
import type { Logger } from './logger'
import { createModeration, type Moderation, type ModerationAction, type ParticipantChanges } from './moderation'
import { TrackKindSchema, UpdateParticipantRequestSchema } from './moderation-routes'
import { resolveOptions, type CallServerOptions, type ParticipantInput } from './options'
import { createRateLimiter } from './rate-limit'
import { rateLimitedEngine, rateLimitedInvites } from './rate-limited'
import { toParticipant } from './participant'
import { createWebhookReceiver } from './webhooks'
import { validateInput } from './validate-input'

export interface RoomLookupOptions {
  /** The app's room name. */
  room: string
  signal?: AbortSignal
}

export interface EnsureCallRoomOptions extends RoomLookupOptions {
  /** Who the room is for; passed to `route`. */
  participant?: ParticipantInput
  /**
   * Put the room on this provider (by id), without routing or failover, for code that serves one
   * vendor's own API. INVALID_INPUT when no such provider is configured; CONFLICT when the room is
   * already live on another provider.
   */
  provider?: string
}

export interface JoinOptions extends RoomLookupOptions {
  participant: ParticipantInput
}

export interface IssueCallTokenOptions extends JoinOptions {
  /** Token lifetime for this token only; must be within the room's provider's bounds. */
  ttlSeconds?: number
}

export interface ModerationOptions extends RoomLookupOptions {
  /**
   * Who asks, such as the participant `calls.authorize(request, { room })` returned: the `moderation`
   * policy decides (FORBIDDEN when it refuses), and the `moderation` rate limit counts it. Without it
   * the call is trusted server code: no policy, no limit.
   */
  actor?: ParticipantInput
}

export interface ParticipantModerationOptions extends ModerationOptions {
  /** The participant acted on. */
  identity: string
}

export interface MuteParticipantOptions extends ParticipantModerationOptions {
  /** `audio` mutes the microphone, `video` the camera. */
  kind: TrackKind
}

/**
 * `calls.updateParticipant`: the participant's new `name` and/or `metadata` (at least one). The
 * adapter-level options of the same operation are core's `UpdateParticipantOptions`.
 */
export interface UpdateCallParticipantOptions extends ParticipantModerationOptions, ParticipantChanges {}

export interface InviteOptions {
  /** The caller's identity. */
  from: string
  /** The callee's identity. */
  to: string
  /** The room the callee is invited to. */
  room: string
}

export interface InviteActionOptions {
  /** The invite's id. */
  id: string
  /** Who acts: the callee accepts or declines, the caller cancels. */
  identity: string
}

/** The server half of Callport: a programmatic API, a Fetch API handler, and webhook events. */
export interface CallServer extends EventEmitter<CallServerEvents> {
  /** The configured providers, in failover order. */
  readonly providers: readonly ServerAdapter[]
  /** The path the HTTP API answers under ('' for the root). */
  readonly basePath: string
  /**
   * Makes the room live (routing new rooms, keeping live rooms where they are) and issues a token. A
   * room the room store records costs no vendor request to place; if its vendor room is gone
   * (ROOM_NOT_FOUND), it is made again on the same provider, once.
   */
  join(options: JoinOptions): Promise<JoinResponse>
  /**
   * Creates the room, or takes it from its record if it is live, and records which provider it is on:
   * a new room on the routed provider (with failover), or on `provider` when given.
   */
  ensureRoom(options: EnsureCallRoomOptions): Promise<Room>
  /**
   * Runs the app's `authorize` option on a request, for routes the app serves itself: the participant,
   * or UNAUTHORIZED when `authorize` returns null (and whatever CallportError it throws). `room`, the
   * room the request is about, is passed to `authorize` as `context.room`.
   */
  authorize(request: Request, options?: { room?: string }): Promise<Participant>
  /** A token for a live room; ROOM_NOT_FOUND when the room is not live. */
  issueToken(options: IssueCallTokenOptions): Promise<Token>
  /** The room if it is live, else null. */
  getRoom(options: RoomLookupOptions): Promise<Room | null>
  /**
   * Closes the room on its provider and forgets it; ROOM_NOT_FOUND when not live. Without `actor`, a
   * room whose provider cannot close rooms is only forgotten. With `actor` (a moderator's request) the
   * `moderation` policy decides, and a provider that cannot close rooms gives UNSUPPORTED.
   */
  closeRoom(options: ModerationOptions): Promise<void>
  /**
   * The participants of a live room, as its provider lists them. FORBIDDEN when the `moderation` policy
   * refuses `actor`, ROOM_NOT_FOUND when the room is not live, UNSUPPORTED when its provider cannot list.
   */
  listParticipants(options: ModerationOptions): Promise<Participant[]>
  /**
   * Ends `identity`'s connection to the room (their session ends with reason `removed`). FORBIDDEN,
   * ROOM_NOT_FOUND, UNSUPPORTED as `listParticipants`; PARTICIPANT_NOT_FOUND when nobody has that identity.
   */
  removeParticipant(options: ParticipantModerationOptions): Promise<void>
  /**
   * Mutes `identity`'s microphone (`audio`) or camera (`video`); their session emits `muted-by-moderator`
   * and they may turn it on again. Errors as `removeParticipant`.
   */
  muteParticipant(options: MuteParticipantOptions): Promise<void>
  /**
   * Changes `identity`'s `name` and/or `metadata` (what is left out stays; `metadata` replaces the old
   * object whole); the others in the room see `participant-updated`. INVALID_INPUT without either (or
   * with an empty or over-long name); other errors as `removeParticipant` (UNSUPPORTED when the room's
   * provider lacks `capabilities.updateParticipant`).
   */
  updateParticipant(options: UpdateCallParticipantOptions): Promise<void>
  /**
   * Invites `to` into `room` and rings them through the `invites.notify` option, retrying until they
   * answer (join the room, or accept), decline, the caller cancels, or the invite is missed. Resolves
   * after the first ring. UNSUPPORTED without the `invites` option.
   */
  invite(options: InviteOptions): Promise<Invite>
  /** The callee accepts (FORBIDDEN for anyone else, CONFLICT once settled, NOT_FOUND for an unknown id). */
  acceptInvite(options: InviteActionOptions): Promise<Invite>
  /** The callee declines. */
  declineInvite(options: InviteActionOptions): Promise<Invite>
  /** The caller cancels; the callee is notified (`cancelled`) when they were rung. */
  cancelInvite(options: InviteActionOptions): Promise<Invite>
  /** The invite, as its caller or callee sees it. */
  getInvite(options: InviteActionOptions): Promise<Invite>
  /**
   * The HTTP API as a Fetch API handler (bound: it can be passed around alone):
   * `POST /join`, `POST /rooms`, `GET /rooms/:room`, `POST /rooms/:room/tokens`, `POST /webhooks/:provider`,
   * moderation (`GET /rooms/:room/participants`, `DELETE /rooms/:room/participants/:identity`,
   * `POST /rooms/:room/participants/:identity/mute`, `PATCH /rooms/:room/participants/:identity`, `DELETE /rooms/:room`),
   * and with the `invites` option `POST /invites`, `GET /invites/:id`, `POST /invites/:id/accept|decline|cancel`,
   * below `basePath`. Errors are `application/problem+json`.
   */
  readonly fetch: (request: Request) => Promise<Response>
}

class CallportServer extends EventEmitter<CallServerEvents> implements CallServer {
  readonly providers: readonly ServerAdapter[]
  readonly basePath: string
  readonly fetch: (request: Request) => Promise<Response>
  readonly [handleIncomingCall]: (call: IncomingCall) => Promise<Answer>
  readonly #engine: CallEngine
  readonly #invites: InviteService | undefined
  readonly #logger: Logger
  readonly #moderation: Moderation

  constructor(options: CallServerOptions) {
    super()
    const config = resolveOptions(options)
    const limiter = createRateLimiter(config.rateLimits, config.logger)
    const inviteService =
      config.invites &&
      createInviteService({ policy: config.invites, announce: (invite) => this.emit('invite', { invite }), onError: (error) => config.onError(error, 'invite-failed') })
    const invites = inviteService && rateLimitedInvites(inviteService, limiter)
    const engine = rateLimitedEngine(invites ? answeringInvites(createCallEngine(config), invites) : createCallEngine(config), limiter)
    this.#engine = engine
    this.#moderation = createModeration(engine, limiter)
    this.#logger = config.logger
    this.#invites = invites
    // The webhook is answered without waiting: its invites are settled just after (store errors go to onError).
    if (invites) this.on('participant-joined', (event) => event.room.name !== undefined && void invites.answeredBy(event.room.name, event.participant.identity))
    this.providers = Object.freeze([...config.adapters.values()])
    this.basePath = config.basePath
    const receiveWebhook = createWebhookReceiver({
      adapters: config.adapters,
      store: config.store,
      emitter: this,
      webhookUrl: config.webhookUrl,
      logger: config.logger,
    })
    const handle = createHttpHandler({ engine, receiveWebhook, invites: createInviteRoutes({ engine, invites }), moderation: this.#moderation })
    this[handleIncomingCall] = handle
    this.fetch = async (request) => toResponse(await handle(fromFetchRequest(request)))
  }

  join({ room, participant, signal }: JoinOptions): Promise<JoinResponse> {
    return loggedJoin(this.#logger, programmaticAttempt('calls.join', room), async (attempt) => {
      const name = validateInput(RoomNameSchema, room, 'room name')
      const valid = toParticipant(participant)
      attempt.identity = valid.identity
      const { placement, token } = await this.#engine.join(name, valid, signal)
      return { room: placement.room, token }
    })
  }

  async ensureRoom({ room, participant, provider, signal }: EnsureCallRoomOptions): Promise<Room> {
    const name = validateInput(RoomNameSchema, room, 'room name')
    if (provider === undefined) return (await this.#engine.placement.place(name, participant && toParticipant(participant), signal)).room
    const adapter = this.#engine.config.adapters.get(provider)
    if (!adapter) throw new CallportError('INVALID_INPUT', `Provider ${JSON.stringify(provider)} is not configured`)
    return (await this.#engine.placement.placeOn(adapter, name, signal)).room
  }

  async authorize(request: Request, options: { room?: string } = {}): Promise<Participant> {
    const room = options.room === undefined ? undefined : validateInput(RoomNameSchema, options.room, 'room name')
    return this.#engine.authorize(request, room)
  }

  issueToken({ room, participant, ttlSeconds, signal }: IssueCallTokenOptions): Promise<Token> {
    return loggedJoin(this.#logger, programmaticAttempt('calls.issueToken', room), async (attempt) => {
      const name = validateInput(RoomNameSchema, room, 'room name')
      const valid = toParticipant(participant)
      attempt.identity = valid.identity
      const live = await this.#engine.placement.live(name, signal)
      if (!live) throw new CallportError('ROOM_NOT_FOUND', `Room "${name}" is not live`)
      return (await this.#engine.issueToken(live, valid, { ttlSeconds, signal })).token
    })
  }

  async getRoom({ room, signal }: RoomLookupOptions): Promise<Room | null> {
    const name = validateInput(RoomNameSchema, room, 'room name')
    return (await this.#engine.placement.live(name, signal))?.room ?? null
  }

  async closeRoom({ room, actor, signal }: ModerationOptions): Promise<void> {
    const name = validateInput(RoomNameSchema, room, 'room name')
    if (actor === undefined) return this.#engine.placement.close(name, signal)
    return this.#moderation.act({ action: 'close-room', room: name, actor: toParticipant(actor, 'actor'), signal })
  }

  async listParticipants({ room, actor, signal }: ModerationOptions): Promise<Participant[]> {
    return this.#moderation.listParticipants(this.#command('list-participants', room, actor, signal))
  }

  async removeParticipant({ room, identity, actor, signal }: ParticipantModerationOptions): Promise<void> {
    return this.#moderation.act({ ...this.#command('remove-participant', room, actor, signal), identity: validateInput(IdentitySchema, identity, 'identity') })
  }

  async muteParticipant({ room, identity, kind, actor, signal }: MuteParticipantOptions): Promise<void> {
    return this.#moderation.act({
      ...this.#command('mute-participant', room, actor, signal),
      identity: validateInput(IdentitySchema, identity, 'identity'),
      kind: validateInput(TrackKindSchema, kind, 'kind'),
    })
  }

  async updateParticipant({ room, identity, name, metadata, actor, signal }: UpdateCallParticipantOptions): Promise<void> {
    const changes = { ...(name === undefined ? {} : { name }), ...(metadata === undefined ? {} : { metadata }) }
    return this.#moderation.act({
      ...this.#command('update-participant', room, actor, signal),
      identity: validateInput(IdentitySchema, identity, 'identity'),
      changes: validateInput(UpdateParticipantRequestSchema, changes, 'participant changes'),
    })
  }

  #command(action: ModerationAction, room: string, actor: ParticipantInput | undefined, signal: AbortSignal | undefined) {
    return { action, room: validateInput(RoomNameSchema, room, 'room name'), actor: actor === undefined ? undefined : toParticipant(actor, 'actor'), signal }
  }

  async invite({ from, to, room }: InviteOptions): Promise<Invite> {
    const request = validateInput(InviteRequestSchema, { to, room }, 'invite')
    return this.#inviteService().create({ from: validateInput(IdentitySchema, from, 'caller identity'), ...request })
  }

  async acceptInvite(options: InviteActionOptions): Promise<Invite> {
    return this.#act(options, 'accept')
  }

  async declineInvite(options: InviteActionOptions): Promise<Invite> {
    return this.#act(options, 'decline')
  }

  async cancelInvite(options: InviteActionOptions): Promise<Invite> {
    return this.#act(options, 'cancel')
  }

  async getInvite({ id, identity }: InviteActionOptions): Promise<Invite> {
    return this.#inviteService().get(id, identity)
  }

  #act({ id, identity }: InviteActionOptions, action: InviteAction): Promise<Invite> {
    return this.#inviteService().act(id, action, identity)
  }

  #inviteService(): InviteService {
    if (this.#invites) return this.#invites
    throw new CallportError('UNSUPPORTED', 'Invites are not enabled: createCallServer({ invites: { notify } })')
  }
}

/**
 * Creates the server half: issues tokens for rooms on the configured providers, keeps each live room
 * on its provider, fails new rooms over to the next provider on retryable errors, and receives webhooks.
 * Throws INVALID_INPUT when the options are wrong (no providers, duplicate ids, a token lifetime a
 * provider refuses).
 *
 * @example
 * const calls = createCallServer({
 *   providers: [signaling({ secret })],
 *   authorize: async (request) => ({ identity: await userOf(request) }),
 *   basePath: '/calls',
 * })
 * createServer(toNodeHandler(calls)).listen(3000)
 */
export function createCallServer(options: CallServerOptions): CallServer {
  return new CallportServer(options)
}
