/**
 * A stand-in for VidyoClient.js served to Chromium: like the real script it reads the callback name
 * from its own `?onload=` parameter, defines the global `VC`, and calls back with `{ state: 'READY' }`.
 * Its connector records what the adapter asked for in `window.vidyoCalls` and connects at once.
 */
export const fakeVidyoClientScript = `
(function () {
  var calls = (window.vidyoCalls = []);
  var callback = new URL(document.currentScript.src).searchParams.get('onload');
  window.VC = {
    CreateVidyoConnector: function (options) {
      calls.push({ method: 'CreateVidyoConnector', viewId: options.viewId, viewFound: !!document.getElementById(options.viewId) });
      var ok = function (method) {
        return function (argument) { calls.push({ method: method, argument: argument }); return Promise.resolve(true); };
      };
      return Promise.resolve({
        RegisterParticipantEventListener: ok('RegisterParticipantEventListener'),
        RegisterLocalCameraEventListener: ok('RegisterLocalCameraEventListener'),
        RegisterLocalMicrophoneEventListener: ok('RegisterLocalMicrophoneEventListener'),
        RegisterLocalSpeakerEventListener: ok('RegisterLocalSpeakerEventListener'),
        SetCameraPrivacy: ok('SetCameraPrivacy'),
        SetMicrophonePrivacy: ok('SetMicrophonePrivacy'),
        Disconnect: ok('Disconnect'),
        Connect: function (options) {
          calls.push({ method: 'Connect', host: options.host, token: options.token, resourceId: options.resourceId, displayName: options.displayName });
          setTimeout(options.onSuccess, 0);
          return Promise.resolve(true);
        },
      });
    },
  };
  setTimeout(function () { window[callback]({ state: 'RETRYING' }); window[callback]({ state: 'READY' }); }, 0);
})();
`
