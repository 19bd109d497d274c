/**
 * A stand-in for `bandyer-widget.min.js`, served to Chromium: it defines the `BandyerSDK` global with
 * the methods Callport calls, records each call in `window.widgetCalls`, and captures the microphone
 * and camera with the real `getUserMedia` when a call is joined, as the widget does.
 */
export const fakeWidgetScript = `
(() => {
  const calls = (window.widgetCalls = [])
  let client
  window.BandyerSDK = {
    version: '2.7.5',
    configure(configuration) {
      calls.push('configure ' + configuration.appId + ' ' + configuration.callType)
      // Like widget 2.7.5: thrown synchronously.
      if (client) { const error = new Error('A client exists already'); error.name = 'client_already_exists'; throw error }
      const listeners = {}
      client = {
        on(event, listener) { (listeners[event] = listeners[event] || []).push(listener) },
        async connect(userId) { calls.push('connect ' + userId) },
        async disconnect() { calls.push('disconnect') },
        async updateAccessToken() { calls.push('updateAccessToken'); return { expiresAt: new Date().toISOString() } },
        async joinCallURL(url) {
          calls.push('joinCallURL ' + new URL(url).hostname)
          window.widgetStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
          return { call: { roomId: 'room-1', participants: [], status: 'connecting', endReason: null, on() {} } }
        },
      }
      return Promise.resolve(client)
    },
    async destroyClient() {
      calls.push('destroyClient')
      window.widgetStream?.getTracks().forEach((track) => track.stop())
      client = undefined
    },
  }
})()
`
