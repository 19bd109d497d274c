import type { ClientAdapter, ClientCapabilities, ServerAdapter, ServerCapabilities, TokenTtlBounds } from '@callport/core'
import { janus as janusClient } from '@callport/janus/client'
import { janus as janusServer } from '@callport/janus/server'
import { kaleyra as kaleyraClient } from '@callport/kaleyra/client'
import { kaleyra as kaleyraServer } from '@callport/kaleyra/server'
import { livekit as liveKitClient } from '@callport/livekit/client'
import { livekit as liveKitServer } from '@callport/livekit/server'
import { openvidu as openviduClient } from '@callport/openvidu/client'
import { openvidu as openviduServer } from '@callport/openvidu/server'
import { signaling as signalingClient } from '@callport/signaling/client'
import { signaling as signalingServer } from '@callport/signaling/server'
import { twilio as twilioClient } from '@callport/twilio/client'
import { twilio as twilioServer } from '@callport/twilio/server'
import { memory } from '@callport/testkit/memory'
import { vidyo as vidyoClient } from '@callport/vidyo/client'
import { vidyo as vidyoServer } from '@callport/vidyo/server'

/**
 * The capability tables of the provider pages are generated from here: each provider's adapter
 * factories are called with placeholder settings (nothing is contacted; no setting is real) and
 * their own `capabilities` objects are read. Where a capability depends on a setting, each
 * configuration is listed as a variant with the condition it stands for.
 */

type Half = 'server' | 'client'

interface Variant<Adapter> {
  /** The configuration this variant stands for, when the capabilities depend on one. */
  when?: string
  create: () => Adapter
}

export interface ProviderSource {
  provider: string
  title: string
  server: Variant<ServerAdapter>[]
  client: Variant<ClientAdapter>[]
}

/** A placeholder long enough for every secret check (32 bytes and more); never used to sign anything real. */
const placeholderSecret = 'placeholder-secret-for-the-docs-0123456789'

/** Twilio ids have a fixed shape: `AC` or `SK` and 32 hexadecimal digits. */
const twilioSettings = { accountSid: `AC${'0'.repeat(32)}`, apiKeySid: `SK${'0'.repeat(32)}`, apiKeySecret: placeholderSecret }

export const providerSources: ProviderSource[] = [
  {
    provider: 'signaling',
    title: 'signaling (built in)',
    server: [{ create: () => signalingServer({ secret: placeholderSecret, url: 'http://127.0.0.1:3000' }) }],
    client: [{ create: () => signalingClient() }],
  },
  {
    provider: 'openvidu',
    title: 'OpenVidu',
    server: [
      { when: 'without `webhookHeader`', create: () => openviduServer({ url: 'https://openvidu.invalid', secret: placeholderSecret }) },
      {
        when: 'with `webhookHeader`',
        create: () =>
          openviduServer({ url: 'https://openvidu.invalid', secret: placeholderSecret, webhookHeader: { name: 'Authorization', value: 'Basic cGxhY2Vob2xkZXI=' } }),
      },
    ],
    client: [
      { when: 'without `networkQuality` (default)', create: () => openviduClient() },
      { when: '`networkQuality: true` (OpenVidu Pro)', create: () => openviduClient({ networkQuality: true }) },
    ],
  },
  {
    provider: 'twilio',
    title: 'Twilio',
    server: [
      { when: 'without `authToken`', create: () => twilioServer(twilioSettings) },
      { when: 'with `authToken`', create: () => twilioServer({ ...twilioSettings, authToken: placeholderSecret }) },
    ],
    client: [
      { when: 'with `data` (default)', create: () => twilioClient() },
      { when: '`data: false`', create: () => twilioClient({ data: false }) },
    ],
  },
  {
    provider: 'vidyo',
    title: 'Vidyo.io',
    server: [{ create: () => vidyoServer({ appId: 'placeholder.vidyo.io', developerKey: placeholderSecret }) }],
    client: [{ create: () => vidyoClient() }],
  },
  {
    provider: 'kaleyra',
    title: 'Kaleyra Video',
    server: [{ create: () => kaleyraServer({ apiKey: placeholderSecret, appId: 'placeholder-app-id' }) }],
    client: [{ create: () => kaleyraClient() }],
  },
  {
    provider: 'livekit',
    title: 'LiveKit',
    server: [{ create: () => liveKitServer({ apiKey: 'placeholder-api-key', apiSecret: placeholderSecret, url: 'wss://livekit.invalid' }) }],
    client: [{ create: () => liveKitClient() }],
  },
  {
    provider: 'janus',
    title: 'Janus',
    server: [{ create: () => janusServer({ url: 'http://janus.invalid:8088/janus', tokenSecret: placeholderSecret, environmentVariables: {} }) }],
    client: [{ create: () => janusClient() }],
  },
  {
    provider: 'memory',
    title: 'memory (tests)',
    server: [{ create: () => memory() }],
    client: [{ create: () => memory() }],
  },
]

interface CapabilityDescription {
  half: Half
  meaning: string
  /** What the table shows when an adapter leaves this optional capability out. */
  absent?: string
}

/**
 * Every capability of the adapter specification, with what it means. Typed against core's
 * capability interfaces, so a capability added there does not compile here until it is described.
 */
export const capabilityDescriptions = {
  getRoom: { half: 'server', meaning: 'reads whether a room is live on the provider (`getRoom`)' },
  listParticipants: { half: 'server', meaning: 'lists who is in a room (`listParticipants`; `GET /rooms/:room` answers `participants`)' },
  removeParticipant: { half: 'server', meaning: 'removes someone from a room (`removeParticipant`)' },
  closeRoom: { half: 'server', meaning: 'ends a room for everyone (`closeRoom`)' },
  muteParticipant: { half: 'server', meaning: 'mutes someone’s microphone or camera from the server (`muteParticipant`)' },
  updateParticipant: {
    half: 'server',
    meaning: 'changes someone’s name or metadata from the server; the others see `participant-updated` (`updateParticipant`)',
    absent: 'no',
  },
  webhooks: { half: 'server', meaning: 'verifies and normalizes the vendor’s webhooks (`POST /webhooks/:provider`)' },
  tokenTtlSeconds: { half: 'server', meaning: 'token lifetimes the provider accepts (`tokenTtlSeconds` must lie within)' },
  maximumParticipants: {
    half: 'server',
    meaning: 'the most participants a room holds; a join past it fails with `ROOM_FULL` (both halves declare it)',
    absent: 'no limit',
  },
  media: { half: 'client', meaning: '`tracks`: the app attaches the tracks it receives; `view`: the vendor renders into `container`' },
  updateToken: { half: 'client', meaning: 'takes a fresh token mid-call (`updateToken`) instead of reconnecting with it' },
  sendData: { half: 'client', meaning: 'sends text to the others (`sendData`, `data-received`)' },
  trackMuteEvents: {
    half: 'client',
    meaning: 'reports a remote track muted and unmuted while it stays published (`track-muted`, `track-unmuted`): a camera turned off is muted, not unsubscribed',
    absent: 'no',
  },
  localTracks: {
    half: 'client',
    meaning: 'publishes the preview tracks handed to `join` (`tracks`) instead of asking for the camera again; lists its own (`localTracks`, `local-track-published`)',
    absent: 'no',
  },
  switchDevice: {
    half: 'client',
    meaning: 'switches these devices mid-call (`switchDevice`), falling back to the default when one is unplugged (`active-device-changed`)',
    absent: 'none',
  },
  screenShare: { half: 'client', meaning: 'shares a screen, window or tab (`setScreenShareEnabled`)', absent: 'no' },
  screenShareAudio: { half: 'client', meaning: 'a screen share carries system or tab audio (`{ audio: true }`)', absent: 'no' },
  activeSpeakers: { half: 'client', meaning: 'reports who speaks, loudest first (`active-speakers-changed`)', absent: 'no' },
  connectionQuality: {
    half: 'client',
    meaning: 'reports each participant’s connection quality (`connection-quality-changed`)',
    absent: 'no',
  },
  participantUpdates: { half: 'client', meaning: 'reports a remote participant’s new name or metadata (`participant-updated`)', absent: 'no' },
  remoteMute: { half: 'client', meaning: 'tells the page a moderator muted it (`muted-by-moderator`)', absent: 'no' },
  prepare: { half: 'client', meaning: 'loads its SDK and warms up before the join (`session.prepare`)', absent: 'no' },
} as const satisfies Record<keyof ServerCapabilities | keyof ClientCapabilities, CapabilityDescription>

export type CapabilityName = keyof typeof capabilityDescriptions

export interface CapabilityValue {
  /** The configuration, when the value depends on one. */
  when?: string
  /** The value as the table shows it. */
  text: string
}

export interface CapabilityRow {
  name: string
  half: Half
  meaning: string
  values: CapabilityValue[]
}

export interface ProviderCapabilities {
  provider: string
  title: string
  rows: CapabilityRow[]
}

const numberFormat = new Intl.NumberFormat('en-US')

function isTtlBounds(value: unknown): value is TokenTtlBounds {
  return typeof value === 'object' && value !== null && typeof (value as TokenTtlBounds).min === 'number' && typeof (value as TokenTtlBounds).max === 'number'
}

/** How a capability's value reads in a table. */
export function formatCapability(value: unknown): string {
  if (value === true) return 'yes'
  if (value === false) return 'no'
  if (typeof value === 'string') return `\`${value}\``
  if (typeof value === 'number') return numberFormat.format(value)
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.length === 0 ? 'none' : value.map((item) => `\`${item}\``).join(', ')
  if (isTtlBounds(value)) return `${numberFormat.format(value.min)}–${numberFormat.format(value.max)} s`
  throw new TypeError(`No format for the capability value ${JSON.stringify(value)}`)
}

function rowsOf(half: Half, variants: { when?: string; capabilities: object }[], provider: string): CapabilityRow[] {
  const names = new Set(variants.flatMap(({ capabilities }) => Object.keys(capabilities)))
  for (const name of names) {
    if (!Object.hasOwn(capabilityDescriptions, name)) throw new Error(`${provider}: capability "${name}" has no description in provider-capabilities.ts`)
  }
  return Object.entries(capabilityDescriptions)
    .filter(([, description]) => description.half === half)
    .map(([name, description]) => {
      const { meaning } = description
      const absent = 'absent' in description ? description.absent : undefined
      const values = variants.map(({ when, capabilities }) => {
        if (!Object.hasOwn(capabilities, name)) {
          if (absent !== undefined) return { when, text: absent }
          throw new Error(`${provider}: the ${half} adapter declares no "${name}" capability`)
        }
        return { when, text: formatCapability((capabilities as Record<string, unknown>)[name]) }
      })
      const same = values.every((value) => value.text === values[0]?.text)
      return { name, half, meaning, values: same ? [{ text: values[0]?.text ?? '' }] : values }
    })
}

function declared<Adapter extends ServerAdapter | ClientAdapter>(source: ProviderSource, half: Half, variants: Variant<Adapter>[]) {
  if (variants.length === 0) throw new Error(`${source.provider}: no ${half} adapter`)
  return variants.map(({ when, create }) => {
    const adapter = create()
    if (adapter.provider !== source.provider) throw new Error(`${source.provider}: the ${half} factory made a "${adapter.provider}" adapter`)
    return { ...(when === undefined ? {} : { when }), capabilities: adapter.capabilities }
  })
}

/** The capability table of one provider: every capability of both halves, read from its adapters. */
export function capabilitiesOf(source: ProviderSource): ProviderCapabilities {
  return {
    provider: source.provider,
    title: source.title,
    rows: [...rowsOf('server', declared(source, 'server', source.server), source.provider), ...rowsOf('client', declared(source, 'client', source.client), source.provider)],
  }
}

/** The tables of every provider, in the order of `providerSources`. */
export function allProviderCapabilities(sources: readonly ProviderSource[] = providerSources): ProviderCapabilities[] {
  return sources.map(capabilitiesOf)
}
