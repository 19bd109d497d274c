import type { KaleyraEnvironment, KaleyraRegion } from '../shared/connect-parameters'

/**
 * The subset of the Kaleyra (Bandyer) widget API that Callport calls, declared from the widget's
 * README and shipped bundle (version 2.7.5). The widget ships no type declarations of its own.
 */

export type WidgetCallType = 'audio_only' | 'audio_upgradable' | 'audio_video'

/** Options of `BandyerSDK.configure`. `appId`, `region` and `environment` come from the token. */
export interface WidgetConfiguration {
  appId: string
  region: KaleyraRegion
  environment: KaleyraEnvironment
  hidden?: boolean
  layout?: Record<string, unknown>
  recordingType?: 'none' | 'manual' | 'automatic'
  isAdmin?: boolean
  callType?: WidgetCallType
  /** `embed`: the call shows inside the widget; `window`: in a separate popup window. */
  mode?: 'embed' | 'window'
  language?: string
  userDetailsProvider?: (userIds: string[]) => Promise<unknown[]>
  userDetailsFormatter?: (user: Record<string, unknown>) => string
  tools?: Record<string, unknown>
  virtualBackground?: 'blur' | 'image' | false
  feedback?: boolean
}

export type WidgetCallStatus = 'dialing' | 'connecting' | 'connected' | 'ended'
export type WidgetCallEndReason = 'declined' | 'canceled' | 'answered_of_another_device' | 'hang_up' | 'timeout'

/**
 * The widget's logical call. In widget 2.7.5 its getters read one module-wide slot of call data:
 * for a call joined by `joinCallURL` that slot is empty, so `roomId`, `participants` and
 * `direction` THROW a TypeError, and `status` / `endReason` answer `ended` / `hang_up`. Read them
 * only through a guard.
 */
export interface WidgetCall {
  /** Throws for a call built from nothing (widget 2.7.5 `joinCallURL`). */
  readonly roomId: string
  /** User ids of the call's participants. Throws for a call built from nothing. */
  readonly participants: string[]
  /** `ended` for a call built from nothing, whatever the call does. */
  readonly status: WidgetCallStatus
  readonly endReason: WidgetCallEndReason | null
  readonly direction?: 'incoming' | 'outgoing'
  /** The call's own status changes; the shipped bundle passes `{status}`. */
  on(event: 'status:changed', listener: (event: { status: WidgetCallStatus }) => void): unknown
}

/** The widget's UI representation of a call. */
export interface WidgetCallView {
  readonly call: WidgetCall
}

/** Client events Callport listens to, with their payloads. */
export interface WidgetClientEvents {
  'client:access_token:is_about_to_expire': (data: { expiresAt: string }) => void
  'client:access_token:expired': (data?: unknown) => void
  'client:force_disconnect': (data?: unknown) => void
  'call:incoming': (data: { call: WidgetCall }) => void
  'call:status:changed': (data: { call: WidgetCall; status: WidgetCallStatus }) => void
}

/** The object `BandyerSDK.configure` resolves to. */
export interface WidgetClient {
  connect(userId: string, accessToken: string): Promise<unknown>
  disconnect(): Promise<unknown>
  updateAccessToken(accessToken: string): Promise<{ expiresAt: string }>
  /**
   * Widget 2.7.5: resolves with a CallView on a call built from nothing, and, when the client is
   * connected already, does NOT reject for a refused link (the widget shows an error view and the
   * page gets an unhandled rejection carrying the vendor error).
   */
  joinCallURL(url: string): Promise<WidgetCallView>
  on<E extends keyof WidgetClientEvents>(event: E, listener: WidgetClientEvents[E]): unknown
}

/** The widget's global, `BandyerSDK`. */
export interface BandyerSdk {
  /** Throws synchronously (`client_already_exists`, `invalid_config_error`) before it returns a promise. */
  configure(configuration: WidgetConfiguration): Promise<WidgetClient>
  destroyClient(): Promise<unknown>
  readonly version?: string
}
