import { pageShell } from '@callport/example-kit'

/**
 * The page's HTML. `{{VIDYO_CLIENT_SCRIPT_URL}}` is where the server writes the address the page loads
 * VidyoClient.js from (src/page/main.ts reads it).
 */
export const pageHtml = pageShell({
  title: 'Vidyo.io example',
  heading: 'Vidyo.io',
  style: `
      #call {
        width: 100%;
        max-width: 960px;
        aspect-ratio: 16 / 9;
        background: #111;
      }`,
  body: `
    <form id="join">
      <input name="name" placeholder="Your name" required />
      <input name="room" placeholder="Room name, VidyoWorks room key or room link" required size="48" />
      <button>Join</button>
    </form>
    <div class="controls">
      <button id="microphone" disabled>Mute</button>
      <button id="camera" disabled>Stop camera</button>
      <button id="leave" disabled>Leave</button>
      <span id="status">Not connected</span>
    </div>
    <div id="call" data-vidyo-client-script="{{VIDYO_CLIENT_SCRIPT_URL}}"></div>
    <ul id="participants"></ul>`,
})
