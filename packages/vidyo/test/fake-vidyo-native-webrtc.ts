import type {
  VidyoClient,
  VidyoClientLibrary,
  VidyoClientLoadStatus,
  VidyoConnector,
  VidyoConnectorConnectOptions,
  VidyoConnectorConstructOptions,
} from '../src/client/vidyo-client-types'

/**
 * VidyoPlatform's native WebRTC VidyoClient, typed from what Vidyo's samples call and shaped after
 * the SDK's own code (VidyoClient 22.3.0.0058, src/assets/js/VidyoClient.js in
 * Vidyo/VidyoPlatform-Connector-WebRTC-angular):
 * - the script defines the global `VidyoClientLib` (and `VCState = 'READY'`), never `VC`, and ignores `?onload=`;
 * - `new VidyoClientLib.VidyoClient(name, callback)` calls `callback({ state: 'READY', description: 'Native WebRTC' })`
 *   in a later task and returns the VidyoConnector class, whose static `CreateVidyoConnector` makes connectors
 *   (VidyoAPI-SDK/nativeWebRTC-vidyoconnect-sample VidyoConnectorAPI.js: `this.vc = new window.VidyoClientLib.VidyoClient("", () => { this.vc.CreateVidyoConnector({…}) })`);
 * - a connector's `Connect` is `@notImplemented`: it throws `Error('Not implemented.')`; rooms are joined with
 *   `ConnectToRoomAsGuest({ host, roomKey, displayName, roomPin, onSuccess, onFailure, onDisconnected })`.
 */
export const NATIVE_BUILD_VERSION = '22.3.0.0058'

export interface NativeVidyoConnector extends VidyoConnector {
  readonly constructOptions: VidyoConnectorConstructOptions
  readonly calls: string[]
  ConnectToRoomAsGuest(options: Omit<VidyoConnectorConnectOptions, 'token' | 'resourceId'> & { roomKey: string; roomPin?: string }): Promise<boolean>
  GetVersion(): Promise<string>
}

const ok = (calls: string[], method: string) => async (): Promise<boolean> => {
  calls.push(method)
  return true
}

function createNativeConnector(constructOptions: VidyoConnectorConstructOptions): NativeVidyoConnector {
  const calls: string[] = []
  return {
    constructOptions,
    calls,
    Connect() {
      calls.push('Connect')
      throw new Error('Not implemented.')
    },
    ConnectToRoomAsGuest: ok(calls, 'ConnectToRoomAsGuest'),
    Disconnect: ok(calls, 'Disconnect'),
    RegisterParticipantEventListener: ok(calls, 'RegisterParticipantEventListener'),
    RegisterReconnectEventListener: ok(calls, 'RegisterReconnectEventListener'),
    RegisterLocalCameraEventListener: ok(calls, 'RegisterLocalCameraEventListener'),
    RegisterLocalMicrophoneEventListener: ok(calls, 'RegisterLocalMicrophoneEventListener'),
    RegisterLocalSpeakerEventListener: ok(calls, 'RegisterLocalSpeakerEventListener'),
    SelectLocalCamera: ok(calls, 'SelectLocalCamera'),
    SelectLocalMicrophone: ok(calls, 'SelectLocalMicrophone'),
    SelectLocalSpeaker: ok(calls, 'SelectLocalSpeaker'),
    SetCameraPrivacy: ok(calls, 'SetCameraPrivacy'),
    SetMicrophonePrivacy: ok(calls, 'SetMicrophonePrivacy'),
    GetVersion: () => Promise.resolve(NATIVE_BUILD_VERSION),
  }
}

/** What `new VidyoClientLib.VidyoClient(…)` returns: the connector class, with its static factory. */
export class NativeVidyoConnectorClass {
  static readonly created: NativeVidyoConnector[] = []
  static async CreateVidyoConnector(options: VidyoConnectorConstructOptions): Promise<VidyoConnector> {
    const connector = createNativeConnector(options)
    NativeVidyoConnectorClass.created.push(connector)
    return connector
  }
}

class NativeVidyoClient {
  constructor(_name: string, callback: (status: VidyoClientLoadStatus) => void) {
    setTimeout(() => callback({ state: 'READY', description: 'Native WebRTC' }))
    return NativeVidyoConnectorClass
  }
}

/** The global `VidyoClientLib` the native build defines. */
export const fakeVidyoClientLib: VidyoClientLibrary = { VidyoClient: NativeVidyoClient as unknown as VidyoClientLibrary['VidyoClient'] }

/** As Vidyo's samples do: construct, and take the object once the callback reports READY. */
export function startNativeVidyoClient(library: VidyoClientLibrary = fakeVidyoClientLib): Promise<VidyoClient> {
  return new Promise((resolve) => {
    const client: VidyoClient = new library.VidyoClient('', () => resolve(client))
  })
}
