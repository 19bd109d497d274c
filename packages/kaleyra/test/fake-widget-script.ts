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
          // Like widget 2.7.5: the call is built from nothing (roomId / participants throw, status says
          // ended); the switchboard announces the call on the client, then on the call, a task later.
          const callListeners = []
          const call = {
            get roomId() { return undefined.callAlias },
            get participants() { return undefined.callParticipants },
            get status() { return 'ended' },
            get endReason() { return 'hang_up' },
            on(event, listener) { if (event === 'status:changed') callListeners.push(listener) },
          }
          setTimeout(() => {
            for (const listener of listeners['call:status:changed'] || []) listener({ call, status: 'connected' })
            for (const listener of callListeners) listener({ status: 'connected' })
          }, 0)
          return { call }
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
