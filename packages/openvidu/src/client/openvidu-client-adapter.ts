import * as z from 'zod/mini'
import { CallportError, TokenSchema, specificationVersion, throwIfAborted, type ClientAdapter, type ConnectOptions, type Token } from '@callport/core'
import { OpenViduConnectParametersSchema } from '../shared/connect-parameters'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { loadOpenViduBrowser, type OpenViduBrowserImporter } from './load-sdk'
import type { OpenViduPublisherProperties } from './local-media'
import type { OpenViduBrowserConstructor } from './openvidu-browser-types'
import { OpenViduConnection } from './openvidu-connection'

/** Options of `openvidu(options)` from `@callport/openvidu/client`. */
export interface OpenViduClientOptions {
  /** openvidu-browser's `OpenVidu` class; when given, openvidu-browser is not imported. */
  OpenVidu?: OpenViduBrowserConstructor
  /** Calls `enableProdMode()`, which keeps openvidu-browser's console logging to errors. Default false. */
  productionMode?: boolean
  /** Camera and publishing settings passed to `initPublisherAsync`: `resolution` (`"640x480"`), `frameRate`, `mirror`. */
  publisher?: OpenViduPublisherProperties
}

const OptionsSchema = z.object({
  OpenVidu: z.optional(z.unknown()),
  productionMode: z.optional(z.boolean()),
  publisher: z.optional(
    z.object({
      resolution: z.optional(z.string().check(z.regex(/^\d+x\d+$/, 'publisher.resolution must look like "640x480"'))),
      frameRate: z.optional(z.number().check(z.positive())),
      mirror: z.optional(z.boolean()),
    }),
  ),
})

/** The token as this adapter needs it: an `openvidu` token whose value is OpenVidu's ws(s):// token. */
const OpenViduTokenSchema = z.extend(TokenSchema, {
  provider: z.literal(OPENVIDU_PROVIDER, `This token is not for the ${OPENVIDU_PROVIDER} provider`),
  value: z.string().check(z.regex(/^wss?:\/\/[^?]+\?/, 'token.value must be an OpenVidu token (wss://…?sessionId=…&token=…)')),
  connect: OpenViduConnectParametersSchema,
})

function parse<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new CallportError('INVALID_INPUT', `${what}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ')}`, {
    provider: OPENVIDU_PROVIDER,
    details: parsed.error.issues,
  })
}

/**
 * The OpenVidu client adapter: imports openvidu-browser lazily inside `connect()` (or uses the
 * `OpenVidu` class passed in), joins the session with the token, publishes the camera and microphone,
 * and subscribes to everyone else's streams.
 */
export function createOpenViduClientAdapter(options: OpenViduClientOptions = {}, importer?: OpenViduBrowserImporter): ClientAdapter {
  const settings = parse(OptionsSchema, options, 'Invalid OpenVidu client options')
  return {
    specificationVersion,
    provider: OPENVIDU_PROVIDER,
    // OpenVidu has no way to replace a token mid-call; signals carry data.
    capabilities: { media: 'tracks', updateToken: false, sendData: true },

    async connect(token: Token, connectOptions: ConnectOptions) {
      const parsed = parse(OpenViduTokenSchema, token, 'Invalid OpenVidu token')
      const { signal } = connectOptions
      throwIfAborted(signal)
      const OpenVidu = await loadOpenViduBrowser(options.OpenVidu, importer)
      throwIfAborted(signal)
      const openVidu = new OpenVidu()
      if (settings.productionMode) openVidu.enableProdMode()
      const connection = new OpenViduConnection({
        openVidu,
        session: openVidu.initSession(),
        token: parsed.value,
        identity: parsed.identity,
        connect: parsed.connect,
        publisher: settings.publisher ?? {},
      })
      await connection.open({ audio: connectOptions.audio, video: connectOptions.video }, signal)
      return connection
    },
  }
}
