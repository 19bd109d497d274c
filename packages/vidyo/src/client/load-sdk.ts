import { CallportError } from '@callport/core'
import { raceAbort } from '@callport/provider-utils'
import * as z from 'zod/mini'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import type { VidyoClient, VidyoClientLibrary, VidyoClientLoadStatus } from './vidyo-client-types'

/**
 * Which VidyoClient build this adapter runs on, decided here only.
 *
 * It targets the Vidyo.io build 4.1.24.15: `VidyoClient.js?onload=onVidyoClientLoaded` defines the
 * global `VC` and calls back `onVidyoClientLoaded({ state: 'READY' })`, and its connectors join with
 * `Connect({ host, token, resourceId })`, the provision token the server half signs.
 *
 * VidyoPlatform serves another build today: the native WebRTC VidyoClient (22.x, 23.x),
 * `https://static.platform.vidyo.io/vidyoclient/webrtc/latest/VidyoClient.min.js` in Vidyo's
 * VidyoConnector web app (VidyoAPI-SDK/nativeWebRTC-vidyoconnect-sample 23.2.0.3110,
 * branding/VidyoConnector/public/config.js and VidyoConnectorAPI.js), also published on npm as
 * `vidyoclient-nativewebrtc-sdk` (VidyoAPI-SDK/nativeWebRTC-getting-started-sample main.js). It
 * ignores `?onload=`, defines `VidyoClientLib` instead of `VC` (`new VidyoClientLib.VidyoClient('', cb)`),
 * and its connectors join VidyoPlatform rooms only, with `ConnectToRoomAsGuest({ host, roomKey,
 * roomPin, displayName })`: `Connect` throws `Error('Not implemented.')` (VidyoClient 22.3.0.0058,
 * src/vidyo_connector_api/VidyoConnector.ts as bundled in Vidyo/VidyoPlatform-Connector-WebRTC-angular).
 * Provision tokens cannot join through it, so this adapter recognizes it and refuses it with
 * UNSUPPORTED (at load, or at `Connect` when it is passed as `sdk`) instead of waiting for a callback
 * that never comes.
 */
export const NATIVE_WEBRTC_BUILD_REFUSAL =
  "VidyoPlatform's native WebRTC VidyoClient (VidyoClientLib) joins rooms with a room key only (ConnectToRoomAsGuest); it cannot join with a Vidyo.io token. Load the Vidyo.io VidyoClient.js 4.1 build (scriptUrl) instead"

/** The error for VidyoPlatform's native WebRTC build. */
export const nativeWebRtcBuildError = (cause?: unknown): CallportError => failure('UNSUPPORTED', NATIVE_WEBRTC_BUILD_REFUSAL, cause)

/** Whether `error` is the native WebRTC build's `Connect` refusing: `Error('Not implemented.')`. */
export const isNativeWebRtcConnectRefusal = (error: unknown): boolean => error instanceof Error && error.message === 'Not implemented.'

/** Vidyo.io's hosted VidyoClient.js (WebRTC build). Self-host it and pass `scriptUrl` where that host is gone. */
export const DEFAULT_VIDYO_CLIENT_SCRIPT_URL = 'https://static.vidyo.io/4.1.24.15/javascript/VidyoClient/VidyoClient.js?onload=onVidyoClientLoaded&webrtc=true&plugin=false'
export const DEFAULT_LOAD_TIMEOUT_MILLISECONDS = 30_000

const CALLBACK = 'onVidyoClientLoaded'

/** The globals VidyoClient.js reads and writes (`VidyoClientLib`: the native WebRTC build). */
export interface VidyoGlobals {
  VC?: VidyoClient
  onVidyoClientLoaded?: (status: VidyoClientLoadStatus) => unknown
  VidyoClientLib?: VidyoClientLibrary
}

/** Adds the script to the page; calls `onError` when the browser cannot load it, `onLoad` once it has run. */
export type ScriptInjector = (url: string, onError: () => void, onLoad: () => void) => void

/** Where the loader runs: the page's globals and how a script is added (replaced in tests). */
export interface LoaderHost {
  globals: VidyoGlobals
  injectScript: ScriptInjector
}

export interface LoadVidyoClientOptions {
  scriptUrl: string
  timeoutMilliseconds: number
  signal?: AbortSignal
}

function failure(code: 'CONNECTION_FAILED' | 'UNSUPPORTED' | 'INVALID_INPUT', message: string, cause?: unknown): CallportError {
  return new CallportError(code, message, { provider: VIDYO_PROVIDER, cause })
}

function appendScriptElement(url: string, onError: () => void, onLoad: () => void): void {
  if (typeof document === 'undefined') throw failure('UNSUPPORTED', 'VidyoClient.js can only be loaded in a browser page')
  const script = document.createElement('script')
  script.src = url
  script.async = true
  script.addEventListener('error', onError, { once: true })
  script.addEventListener('load', onLoad, { once: true })
  document.head.appendChild(script)
}

const browserHost = (): LoaderHost => ({ globals: globalThis as VidyoGlobals, injectScript: appendScriptElement })

/** The script URL with `onload=onVidyoClientLoaded`, which tells VidyoClient.js whom to call. */
export function withLoadCallback(scriptUrl: string): string {
  const existing = /[?&]onload=([^&#]*)/.exec(scriptUrl)
  if (existing) {
    if (existing[1] === CALLBACK) return scriptUrl
    throw failure('INVALID_INPUT', `The VidyoClient.js URL must use onload=${CALLBACK} (or leave it out), not onload=${existing[1] ?? ''}`)
  }
  const [beforeHash = '', hash] = scriptUrl.split('#', 2)
  return `${beforeHash}${beforeHash.includes('?') ? '&' : '?'}onload=${CALLBACK}${hash === undefined ? '' : `#${hash}`}`
}

const LoadStatusSchema = z.looseObject({ state: z.string(), description: z.optional(z.string()) })

function outcomeOf(reported: unknown, globals: VidyoGlobals): VidyoClient | CallportError | undefined {
  const parsed = LoadStatusSchema.safeParse(reported)
  if (!parsed.success) return undefined
  const status = parsed.data
  const description = status.description ? `: ${status.description}` : ''
  switch (status.state) {
    case 'READY':
      return globals.VC ?? failure('CONNECTION_FAILED', 'VidyoClient.js reported READY but defined no VC object')
    case 'FAILED':
      return failure('CONNECTION_FAILED', `VidyoClient.js failed to start${description}`)
    case 'FAILEDVERSION':
      return failure('UNSUPPORTED', `VidyoClient.js does not match the installed Vidyo plug-in${description}`)
    case 'NOTAVAILABLE':
      return failure('UNSUPPORTED', `VidyoClient is not available in this browser${description}`)
    default:
      // RETRYING (and anything newer): keep waiting for a final state.
      return undefined
  }
}

function load(scriptUrl: string, timeoutMilliseconds: number, host: LoaderHost): Promise<VidyoClient> {
  const url = withLoadCallback(scriptUrl)
  return new Promise<VidyoClient>((resolve, reject) => {
    let settled = false
    const settle = (outcome: VidyoClient | CallportError): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (CallportError.isInstance(outcome)) reject(outcome)
      else resolve(outcome)
    }
    const timer = setTimeout(() => {
      settle(failure('CONNECTION_FAILED', `VidyoClient.js did not report READY within ${timeoutMilliseconds} ms`))
    }, timeoutMilliseconds)
    try {
      host.injectScript(
        url,
        () => settle(failure('CONNECTION_FAILED', `Could not load VidyoClient.js from ${url}`)),
        // The 4.1 build calls onVidyoClientLoaded later; the native WebRTC build has defined VidyoClientLib by now.
        () => {
          if (host.globals.VC === undefined && host.globals.VidyoClientLib !== undefined) settle(nativeWebRtcBuildError())
        },
      )
    } catch (error) {
      settle(CallportError.isInstance(error) ? error : failure('CONNECTION_FAILED', 'Could not add the VidyoClient.js script', error))
      return
    }
    // A script added to the page runs in a later task, so the callback is in place before it runs.
    const previous = host.globals.onVidyoClientLoaded
    host.globals.onVidyoClientLoaded = (status) => {
      const outcome = outcomeOf(status, host.globals)
      if (outcome !== undefined) settle(outcome)
      return previous?.(status)
    }
  })
}

const loads = new WeakMap<VidyoGlobals, Map<string, Promise<VidyoClient>>>()

/**
 * Loads VidyoClient.js once per page and script URL, and resolves with the global `VC` when the script
 * reports `READY` through `onVidyoClientLoaded(status)`. A `VC` already on the page is used as is.
 * VidyoPlatform's native WebRTC build (a `VidyoClientLib` global, on the page already or defined by
 * the loaded script) is UNSUPPORTED: see NATIVE_WEBRTC_BUILD_REFUSAL.
 * Rejects with CONNECTION_FAILED on a load error, a `FAILED` state or a timeout (a later call tries
 * again), UNSUPPORTED on `NOTAVAILABLE` or `FAILEDVERSION`, ABORTED when `signal` fires.
 */
export function loadVidyoClient(options: LoadVidyoClientOptions, host: LoaderHost = browserHost()): Promise<VidyoClient> {
  if (host.globals.VC !== undefined) return raceAbort(Promise.resolve(host.globals.VC), options.signal, undefined, VIDYO_PROVIDER)
  if (host.globals.VidyoClientLib !== undefined) return Promise.reject(nativeWebRtcBuildError())
  const byUrl = loads.get(host.globals) ?? new Map<string, Promise<VidyoClient>>()
  loads.set(host.globals, byUrl)
  let pending = byUrl.get(options.scriptUrl)
  if (pending === undefined) {
    const started = load(options.scriptUrl, options.timeoutMilliseconds, host)
    started.catch(() => byUrl.delete(options.scriptUrl))
    byUrl.set(options.scriptUrl, started)
    pending = started
  }
  return raceAbort(pending, options.signal, undefined, VIDYO_PROVIDER)
}
