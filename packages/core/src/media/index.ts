export { isMediaCaptureError, toMediaError } from './errors'
export { createLocalTrack, type CreateLocalTrackOptions } from './local-track'
export { captureUserMedia, captureDisplayMedia, type CaptureConstraints, type CaptureOptions, type CaptureUserMediaOptions } from './capture'
export { applyAudioOutput, audioOutputDeviceId, audioOutputSupported, releaseAudioOutput, setAudioOutput } from './audio-output'
