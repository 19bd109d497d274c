import type JanusGateway from 'janus-gateway'
import type { JanusJS } from 'janus-gateway'
import { describe, expectTypeOf, it } from 'vitest'
import type { JanusJs, JanusJsPluginHandle, JanusJsSession } from '../src/client/janus-js-types'
import type { JanusJsSource } from '../src/client/load-sdk'
import type { FakeJanusHandle, FakeJanusJs, FakeJanusSession, FakePeerConnection, FakePluginHandle } from './fake-janus-js'

type Janus = typeof JanusGateway
type Session = InstanceType<Janus>

/** The fake janus.js cannot drift from janus-gateway's own declarations (`npm/janus.d.ts`), nor from what the client half expects. */
describe('the fake janus.js', () => {
  it("takes janus-gateway's arguments: the constructor, init, attach, destroy", () => {
    expectTypeOf<ConstructorParameters<FakeJanusJs>>().toEqualTypeOf<ConstructorParameters<Janus>>()
    expectTypeOf<Parameters<FakeJanusJs['init']>>().toEqualTypeOf<Parameters<Janus['init']>>()
    expectTypeOf<Parameters<FakeJanusJs['useDefaultDependencies']>>().toEqualTypeOf<Parameters<Janus['useDefaultDependencies']>>()
    expectTypeOf<ReturnType<FakeJanusJs['useDefaultDependencies']>>().toEqualTypeOf<ReturnType<Janus['useDefaultDependencies']>>()
    expectTypeOf<Parameters<FakeJanusSession['attach']>>().toEqualTypeOf<Parameters<Session['attach']>>()
    expectTypeOf<Parameters<FakeJanusSession['destroy']>>().toEqualTypeOf<Parameters<Session['destroy']>>()
    expectTypeOf<FakeJanusSession>().toExtend<Pick<Session, 'attach' | 'getServer' | 'isConnected' | 'reconnect' | 'getSessionId' | 'getInfo' | 'destroy'>>()
  })

  it("its plugin handle has janus-gateway's PluginHandle methods, with their arguments", () => {
    expectTypeOf<Parameters<FakeJanusHandle['send']>>().toEqualTypeOf<Parameters<JanusJS.PluginHandle['send']>>()
    expectTypeOf<Parameters<FakeJanusHandle['createOffer']>>().toEqualTypeOf<Parameters<JanusJS.PluginHandle['createOffer']>>()
    expectTypeOf<Parameters<FakeJanusHandle['createAnswer']>>().toEqualTypeOf<Parameters<JanusJS.PluginHandle['createAnswer']>>()
    expectTypeOf<Parameters<FakeJanusHandle['handleRemoteJsep']>>().toEqualTypeOf<Parameters<JanusJS.PluginHandle['handleRemoteJsep']>>()
    expectTypeOf<Parameters<FakeJanusHandle['replaceTracks']>>().toEqualTypeOf<Parameters<JanusJS.PluginHandle['replaceTracks']>>()
    expectTypeOf<Parameters<FakeJanusHandle['hangup']>>().toEqualTypeOf<Parameters<JanusJS.PluginHandle['hangup']>>()
    expectTypeOf<Parameters<FakeJanusHandle['detach']>>().toEqualTypeOf<Parameters<JanusJS.PluginHandle['detach']>>()
    expectTypeOf<FakeJanusHandle>().toExtend<Omit<FakePluginHandle, 'webrtcStuff'>>()
    expectTypeOf<FakePluginHandle>().toExtend<Omit<Pick<JanusJS.PluginHandle, keyof FakePluginHandle>, 'webrtcStuff'>>()
  })

  it("its PeerConnection has what the client half reads of RTCPeerConnection (getStats, states, transceivers' mids)", () => {
    expectTypeOf<FakePeerConnection>().toExtend<Pick<RTCPeerConnection, 'connectionState' | 'iceConnectionState'>>()
    expectTypeOf<ReturnType<FakePeerConnection['getTransceivers']>[number]['mid']>().toEqualTypeOf<RTCRtpTransceiver['mid']>()
  })

  it('stands where the client half expects janus.js (src/client/janus-js-types.ts, load-sdk.ts)', () => {
    // Assignments, so that a mismatch names the member that differs.
    const janus: JanusJs = {} as FakeJanusJs
    const source: JanusJsSource = {} as FakeJanusJs
    const session: JanusJsSession = {} as FakeJanusSession
    expectTypeOf([janus, source, session]).not.toBeNever()
    expectTypeOf<FakeJanusHandle>().toExtend<Omit<JanusJsPluginHandle, 'webrtcStuff'>>()
  })
})
