import { handleJoinForm } from '@callport/example-kit/page'
import { joinRoom } from '../page'

// The form calls src/page.ts's joinRoom: the name goes in the `user` cookie the app server reads.
handleJoinForm((text) => {
  document.cookie = `user=${encodeURIComponent(text('name'))}; path=/; samesite=strict`
  return joinRoom(text('room'), document.querySelector<HTMLElement>('#videos')!)
})
