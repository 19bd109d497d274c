/** For the client halves of provider packages: browser-safe, no REST client, no signing. */
export { defineClientAdapter, type ClientAdapterDefinition } from './define-client-adapter'
export { toProviderError } from '../shared/provider-error'
export { iceServersOf } from './ice-servers'
export {
  classifyConnectionQuality,
  connectionQualityThresholds,
  monitorConnectionQuality,
  sampleFromStats,
  type ConnectionQualityChange,
  type ConnectionQualitySample,
  type ConnectionQualitySource,
  type ConnectionStatsCounters,
  type MonitorConnectionQualityOptions,
  type RtcStat,
} from './connection-quality'
export {
  activeSpeakerDefaults,
  audioLevelMeter,
  mediaSourceAudioLevel,
  monitorActiveSpeakers,
  type ActiveSpeakerSource,
  type MonitorActiveSpeakersOptions,
} from './active-speakers'
