/**
 * The subset of VidyoClient.js (the Vidyo.io browser SDK, global `VC`) that Callport calls, declared
 * from Vidyo's VidyoConnector API (C header `VidyoConnector.h` and Vidyo's JavaScript samples). The
 * SDK ships no type declarations; the test fake implements these interfaces, so the compiler keeps
 * the fake and the adapter in step with this declaration.
 */

/** States the loader reports through the global `onVidyoClientLoaded(status)`. */
export type VidyoClientLoadState = 'READY' | 'RETRYING' | 'FAILED' | 'FAILEDVERSION' | 'NOTAVAILABLE'

export interface VidyoClientLoadStatus {
  state: VidyoClientLoadState
  description?: string
}

export type VidyoConnectorViewStyle = 'VIDYO_CONNECTORVIEWSTYLE_Default' | 'VIDYO_CONNECTORVIEWSTYLE_Tiles'

export interface VidyoConnectorConstructOptions {
  /** Id of the element the composited view renders into. */
  viewId: string
  viewStyle: VidyoConnectorViewStyle
  /** Most remote participants the view shows. */
  remoteParticipants: number
  logFileFilter: string
  logFileName: string
  userData: string
}

type FailReasonName =
  | 'ConnectionFailed'
  | 'ConnectionLost'
  | 'ConnectionTimeout'
  | 'NoResponse'
  | 'Terminated'
  | 'InvalidToken'
  | 'UnableToCreateResource'
  | 'NoResponseFromResource'
  | 'InvalidResourceId'
  | 'ResourceFull'
  | 'NotMember'
  | 'Banned'
  | 'MediaNotEnabled'
  | 'MediaFailed'
  | 'MiscLocalError'
  | 'MiscRemoteError'
  | 'MiscError'
  | 'RoomLocked'
  | 'LostEventServer'

type DisconnectReasonName =
  'Disconnected' | 'ConnectionLost' | 'ConnectionTimeout' | 'NoResponse' | 'Terminated' | 'MiscLocalError' | 'MiscRemoteError' | 'MiscError' | 'Booted'

/** Why `Connect` failed (`onFailure`). */
export type VidyoConnectorFailReason = `VIDYO_CONNECTORFAILREASON_${FailReasonName}`
/** Why an established connection ended (`onDisconnected`). */
export type VidyoConnectorDisconnectReason = `VIDYO_CONNECTORDISCONNECTREASON_${DisconnectReasonName}`

export interface VidyoConnectorConnectOptions {
  host: string
  token: string
  displayName: string
  resourceId: string
  onSuccess(): void
  onFailure(reason: VidyoConnectorFailReason): void
  onDisconnected(reason: VidyoConnectorDisconnectReason): void
}

/** A participant as VidyoConnector reports it. */
export interface VidyoParticipant {
  /** Vidyo's id of this participant in the conference. */
  id: string
  name: string
  /** The user part of the token's `userName@appId` (Vidyo may append `@appId`). */
  userId?: string
}

export interface VidyoParticipantEventListener {
  onJoined(participant: VidyoParticipant): void
  onLeft(participant: VidyoParticipant): void
  /** The participants the view shows, most relevant first. */
  onDynamicChanged(participants: VidyoParticipant[], cameras: unknown[]): void
  onLoudestChanged(participant: VidyoParticipant, audioOnly: boolean): void
}

/**
 * Vidyo's own reconnection, in newer SDK builds. VidyoClient 22.3.0.0058's argument check
 * (src/assets/js/VidyoClient.js in Vidyo/VidyoPlatform-Connector-WebRTC-angular) requires all three
 * callbacks; `onConferenceLost` comes when the attempts are exhausted, followed by `onDisconnected`.
 */
export interface VidyoReconnectEventListener {
  onReconnecting(attempt: number, attemptTimeout: number, lastReason: VidyoConnectorFailReason): void
  onReconnected(): void
  onConferenceLost(lastReason: VidyoConnectorFailReason): void
}

/** A local camera, microphone or speaker as VidyoConnector reports it (`VidyoLocalCamera` …). */
export interface VidyoLocalDevice {
  id: string
  name: string
}

/** `VIDYO_DEVICESTATE_Started`, `_Stopped`, `_Suspended`, `_Error`, … */
export type VidyoDeviceState = `VIDYO_DEVICESTATE_${string}`

/**
 * The listener of `RegisterLocalCameraEventListener`, `RegisterLocalMicrophoneEventListener` and
 * `RegisterLocalSpeakerEventListener` (VidyoConnector.h: "onAdded: triggered for every new or
 * existing camera added"; "onSelected: … NULL if none of them remain selected"). The SDK requires all
 * four callbacks.
 */
export interface VidyoLocalDeviceEventListener<Device = VidyoLocalDevice> {
  onAdded(device: Device): void
  onRemoved(device: Device): void
  onSelected(device: Device | null): void
  onStateUpdated(device: Device, state: VidyoDeviceState): void
}

export interface VidyoConnector {
  /** Resolves to false when the request could not be started; the outcome arrives through the callbacks. */
  Connect(options: VidyoConnectorConnectOptions): Promise<boolean>
  Disconnect(): Promise<boolean>
  RegisterParticipantEventListener(listener: VidyoParticipantEventListener): Promise<boolean>
  /** Present in newer SDK builds only. */
  RegisterReconnectEventListener?(listener: VidyoReconnectEventListener): Promise<boolean>
  /** Reports the cameras (existing ones at once) and which one is selected; resolves once detected. */
  RegisterLocalCameraEventListener(listener: VidyoLocalDeviceEventListener): Promise<boolean>
  RegisterLocalMicrophoneEventListener(listener: VidyoLocalDeviceEventListener): Promise<boolean>
  RegisterLocalSpeakerEventListener(listener: VidyoLocalDeviceEventListener): Promise<boolean>
  /**
   * Selects the camera to send (VidyoConnector.h `VidyoConnectorSelectLocalCamera`; Vidyo's JS samples
   * call `SelectLocalCamera({ localCamera })` with a device `onAdded` reported). Resolves to whether
   * it was done; the listener's `onSelected` reports the change.
   */
  SelectLocalCamera(options: { localCamera: VidyoLocalDevice }): Promise<boolean>
  /** Selects the microphone (`VidyoConnectorSelectLocalMicrophone`; JS: `SelectLocalMicrophone({ localMicrophone })`). */
  SelectLocalMicrophone(options: { localMicrophone: VidyoLocalDevice }): Promise<boolean>
  /** Selects the speaker the call plays to (`VidyoConnectorSelectLocalSpeaker`; JS: `SelectLocalSpeaker({ localSpeaker })`). */
  SelectLocalSpeaker(options: { localSpeaker: VidyoLocalDevice }): Promise<boolean>
  /** `privacy: true` stops sending the camera. */
  SetCameraPrivacy(options: { privacy: boolean }): Promise<boolean>
  /** `privacy: true` mutes the microphone. */
  SetMicrophonePrivacy(options: { privacy: boolean }): Promise<boolean>
}

/** The global `VC` that VidyoClient.js defines once it is READY. */
export interface VidyoClient {
  CreateVidyoConnector(options: VidyoConnectorConstructOptions): Promise<VidyoConnector>
}

/**
 * VidyoPlatform's native WebRTC build (VidyoClient 22.x and later, `VidyoClient.min.js`), as Vidyo's
 * samples use it: the script defines the global `VidyoClientLib`, and
 * `new VidyoClientLib.VidyoClient('', callback)` calls back with `{ state: 'READY' }` and is the
 * object whose `CreateVidyoConnector` makes connectors (VidyoAPI-SDK/nativeWebRTC-vidyoconnect-sample
 * src/services/CallAPIProvider/providers/VidyoConnectorAPI.js; Vidyo/VidyoPlatform-Connector-WebRTC-angular
 * src/app/pages/room/room.component.ts). It ignores `?onload=` and defines no `VC`. Its connectors
 * join VidyoPlatform rooms with `ConnectToRoomAsGuest({ host, roomKey, roomPin, displayName })`; their
 * `Connect` (the Vidyo.io token join) throws `Error('Not implemented.')` (VidyoClient 22.3.0.0058).
 */
export interface VidyoClientLibrary {
  VidyoClient: new (name: string, callback: (status: VidyoClientLoadStatus) => void) => VidyoClient
}
