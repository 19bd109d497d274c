import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RoomServiceClient, TokenVerifier } from 'livekit-server-sdk'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { livekit } from '../src/server/livekit-server-adapter'

const apiKey = 'APIroomservice'
const apiSecret = 'room-service-secret-0123456789-abcdef'

interface Captured {
  path: string
  contentType: string | undefined
  body: unknown
  /** The `video` grant of the bearer token, after TokenVerifier accepted it. */
  grant: unknown
}

/** What the fake LiveKit answers: per Twirp method, a status and a JSON body. */
type Answer = { status: number; body: unknown }
let answers: Record<string, Answer> = {}
const captured: Captured[] = []
let server: Server
let url: string

async function readBody(request: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of request) text += String(chunk)
  return text
}

const room = { sid: 'RM_abc', name: 'Zoë-会议室', creation_time: '1796104800', metadata: '' }
const participants = [
  {
    sid: 'PA_1',
    identity: 'alice',
    name: 'Alice',
    permission: { can_publish: true, can_subscribe: true },
    tracks: [
      { sid: 'TR_a1', type: 'AUDIO', muted: false },
      { sid: 'TR_v1', type: 'VIDEO', muted: false },
    ],
  },
  { sid: 'PA_2', identity: '李雷', permission: { can_publish: false, can_subscribe: true }, tracks: [] },
]

function defaultAnswers(): Record<string, Answer> {
  return {
    CreateRoom: { status: 200, body: room },
    ListRooms: { status: 200, body: { rooms: [room] } },
    ListParticipants: { status: 200, body: { participants } },
    GetParticipant: { status: 200, body: participants[0] },
    RemoveParticipant: { status: 200, body: {} },
    MutePublishedTrack: { status: 200, body: { track: { sid: 'TR_a1', muted: true } } },
    DeleteRoom: { status: 200, body: {} },
    UpdateParticipant: { status: 200, body: participants[0] },
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const text = await readBody(request)
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? ''
      const grant = (await new TokenVerifier(apiKey, apiSecret).verify(bearer).catch(() => ({ video: 'refused' }))).video
      captured.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(text) as unknown, grant })
      const method = (request.url ?? '').split('/').pop() ?? ''
      const answer = answers[method] ?? { status: 404, body: { code: 'bad_route', msg: 'no handler' } }
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body))
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  answers = defaultAnswers()
  captured.length = 0
})

const adapterOf = () => livekit({ apiKey, apiSecret, url, retry: { limit: 0 }, environmentVariables: {} })
const sdkOf = () => new RoomServiceClient(url, apiKey, apiSecret)
const callportRoom = { name: room.name, provider: 'livekit', providerRoomId: room.sid }

/** The grant each method's bearer token carries, as livekit-server-sdk's RoomServiceClient asks for it. */
const expectedGrants: Record<string, unknown> = {
  CreateRoom: { roomCreate: true },
  ListRooms: { roomList: true },
  ListParticipants: { roomAdmin: true, room: room.name },
  RemoveParticipant: { roomAdmin: true, room: room.name },
  DeleteRoom: { roomCreate: true },
  UpdateParticipant: { roomAdmin: true, room: room.name },
}

/** Runs one call through Callport and the same through livekit-server-sdk; returns both captured requests. */
async function both(callport: () => Promise<unknown>, sdk: () => Promise<unknown>): Promise<[Captured, Captured]> {
  await callport()
  const ours = captured.splice(0)
  await sdk()
  const theirs = captured.splice(0)
  expect(ours).toHaveLength(1)
  expect(theirs).toHaveLength(1)
  return [ours[0]!, theirs[0]!]
}

describe('RoomService over Twirp, compared with livekit-server-sdk against one local server', () => {
  it.each([
    ['CreateRoom', () => adapterOf().ensureRoom({ name: room.name }), () => sdkOf().createRoom({ name: room.name })],
    ['ListRooms', () => adapterOf().getRoom!({ name: room.name }), () => sdkOf().listRooms([room.name])],
    ['ListParticipants', () => adapterOf().listParticipants!({ room: callportRoom }), () => sdkOf().listParticipants(room.name)],
    ['RemoveParticipant', () => adapterOf().removeParticipant!({ room: callportRoom, identity: '李雷' }), () => sdkOf().removeParticipant(room.name, '李雷')],
    ['DeleteRoom', () => adapterOf().closeRoom!({ room: callportRoom }), () => sdkOf().deleteRoom(room.name)],
    [
      'UpdateParticipant',
      () => adapterOf().updateParticipant!({ room: callportRoom, identity: '李雷', name: 'Lǐ Léi 李雷', metadata: { hand: 'raised', seat: 3, note: 'Zoë 🎉' } }),
      () => sdkOf().updateParticipant(room.name, '李雷', { name: 'Lǐ Léi 李雷', metadata: JSON.stringify({ hand: 'raised', seat: 3, note: 'Zoë 🎉' }) }),
    ],
    [
      'UpdateParticipant',
      () => adapterOf().updateParticipant!({ room: callportRoom, identity: 'alice', name: 'Alice A.' }),
      () => sdkOf().updateParticipant(room.name, 'alice', undefined, undefined, 'Alice A.'),
    ],
    [
      'UpdateParticipant',
      () => adapterOf().updateParticipant!({ room: callportRoom, identity: 'alice', metadata: { nested: { list: [1, null, 'x'] } } }),
      () => sdkOf().updateParticipant(room.name, 'alice', JSON.stringify({ nested: { list: [1, null, 'x'] } })),
    ],
    [
      'UpdateParticipant',
      () => adapterOf().updateParticipant!({ room: callportRoom, identity: 'alice', metadata: {} }),
      () => sdkOf().updateParticipant(room.name, 'alice', { metadata: '{}' }),
    ],
  ] as const)('%s: same path, body and grants', async (method, callport, sdk) => {
    const [ours, theirs] = await both(callport, sdk)
    expect(ours.path).toBe(`/twirp/livekit.RoomService/${method}`)
    expect(ours.path).toBe(theirs.path)
    expect(ours.body).toEqual(theirs.body)
    expect(ours.grant).toEqual(theirs.grant)
    expect(ours.grant).toEqual(expectedGrants[method])
    expect(ours.contentType).toMatch(/^application\/json/)
  })

  it('MutePublishedTrack: same body and grants as the SDK, for each unmuted track of the kind', async () => {
    await adapterOf().muteParticipant!({ room: callportRoom, identity: 'alice', kind: 'audio' })
    const ours = captured.splice(0)
    expect(ours.map((request) => request.path)).toEqual(['/twirp/livekit.RoomService/GetParticipant', '/twirp/livekit.RoomService/MutePublishedTrack'])
    await sdkOf().getParticipant(room.name, 'alice')
    await sdkOf().mutePublishedTrack(room.name, 'alice', 'TR_a1', true)
    const theirs = captured.splice(0)
    expect(ours.map(({ path, body, grant }) => ({ path, body, grant }))).toEqual(theirs.map(({ path, body, grant }) => ({ path, body, grant })))
  })

  it('UpdateParticipant carries the metadata string issueToken puts in the token for the same object', async () => {
    const metadata = { hand: 'raised', ключ: ['é', 1, true, null], deep: { a: { b: 'ç' } } }
    const adapter = adapterOf()
    const token = await adapter.issueToken({ room: callportRoom, participant: { identity: 'alice', role: 'publisher', metadata }, ttlSeconds: 60 })
    const claims = await new TokenVerifier(apiKey, apiSecret).verify(token.value)
    await adapter.updateParticipant!({ room: callportRoom, identity: 'alice', metadata })
    const [request] = captured.splice(0)
    expect(request?.body).toMatchObject({ metadata: claims.metadata })
    expect(JSON.parse((request?.body as { metadata: string }).metadata)).toEqual(metadata)
  })

  it('updateParticipant for someone LiveKit does not have is PARTICIPANT_NOT_FOUND', async () => {
    answers.UpdateParticipant = { status: 404, body: { code: 'not_found', msg: 'participant not found' } }
    await expect(adapterOf().updateParticipant!({ room: callportRoom, identity: 'ghost', name: 'Ghost' })).rejects.toMatchObject({
      code: 'PARTICIPANT_NOT_FOUND',
      provider: 'livekit',
    })
  })

  it('listParticipants reads metadata that is a JSON object (as Callport writes it) and leaves out any other', async () => {
    answers.ListParticipants = {
      status: 200,
      body: {
        participants: [
          { ...participants[0], metadata: JSON.stringify({ hand: 'raised' }) },
          { ...participants[1], metadata: 'not json' },
          { sid: 'PA_3', identity: 'carol', metadata: '[1,2]' },
          { sid: 'PA_4', identity: 'dan', metadata: '' },
        ],
      },
    }
    expect(await adapterOf().listParticipants!({ room: callportRoom })).toEqual([
      { identity: 'alice', name: 'Alice', role: 'publisher', providerParticipantId: 'PA_1', metadata: { hand: 'raised' } },
      { identity: '李雷', role: 'subscriber', providerParticipantId: 'PA_2' },
      { identity: 'carol', role: 'publisher', providerParticipantId: 'PA_3' },
      { identity: 'dan', role: 'publisher', providerParticipantId: 'PA_4' },
    ])
  })

  it('ensureRoom maps the LiveKit room: sid as providerRoomId, creation_time as createdAt', async () => {
    expect(await adapterOf().ensureRoom({ name: room.name })).toEqual({
      name: room.name,
      provider: 'livekit',
      providerRoomId: 'RM_abc',
      createdAt: new Date(1_796_104_800 * 1000).toISOString(),
    })
  })

  it('getRoom is null when LiveKit lists no such room', async () => {
    answers.ListRooms = { status: 200, body: {} }
    expect(await adapterOf().getRoom!({ name: 'absent' })).toBeNull()
  })

  it('listParticipants maps identities, names, sids and publish permission to roles', async () => {
    expect(await adapterOf().listParticipants!({ room: callportRoom })).toEqual([
      { identity: 'alice', name: 'Alice', role: 'publisher', providerParticipantId: 'PA_1' },
      { identity: '李雷', role: 'subscriber', providerParticipantId: 'PA_2' },
    ])
  })

  it('muteParticipant of a kind the participant does not publish is NOT_FOUND', async () => {
    answers.GetParticipant = { status: 200, body: participants[1] }
    await expect(adapterOf().muteParticipant!({ room: callportRoom, identity: '李雷', kind: 'video' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it.each([
    ['ListParticipants', 404, 'not_found', 'ROOM_NOT_FOUND', () => adapterOf().listParticipants!({ room: callportRoom })],
    ['RemoveParticipant', 404, 'not_found', 'PARTICIPANT_NOT_FOUND', () => adapterOf().removeParticipant!({ room: callportRoom, identity: 'ghost' })],
    ['DeleteRoom', 404, 'not_found', 'ROOM_NOT_FOUND', () => adapterOf().closeRoom!({ room: callportRoom })],
    ['CreateRoom', 400, 'invalid_argument', 'INVALID_INPUT', () => adapterOf().ensureRoom({ name: room.name })],
    ['CreateRoom', 401, 'unauthenticated', 'PROVIDER_REJECTED', () => adapterOf().ensureRoom({ name: room.name })],
    ['CreateRoom', 403, 'permission_denied', 'PROVIDER_REJECTED', () => adapterOf().ensureRoom({ name: room.name })],
    ['CreateRoom', 429, 'resource_exhausted', 'RATE_LIMITED', () => adapterOf().ensureRoom({ name: room.name })],
    ['CreateRoom', 501, 'unimplemented', 'UNSUPPORTED', () => adapterOf().ensureRoom({ name: room.name })],
    ['CreateRoom', 503, 'unavailable', 'PROVIDER_UNAVAILABLE', () => adapterOf().ensureRoom({ name: room.name })],
    ['CreateRoom', 500, 'internal', 'PROVIDER_UNAVAILABLE', () => adapterOf().ensureRoom({ name: room.name })],
  ] as const)('%s answering %i %s is %s, with the Twirp code in details', async (method, status, twirpCode, code, call) => {
    answers[method] = { status, body: { code: twirpCode, msg: `twirp says ${twirpCode}`, meta: { hint: 'x' } } }
    const failure = await call().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toMatchObject({ code, provider: 'livekit', details: { twirpCode, meta: { hint: 'x' } } })
    expect((failure as Error).message).toContain(`twirp says ${twirpCode} (Twirp ${twirpCode})`)
  })
})
