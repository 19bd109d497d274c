import { handleJoinForm } from '@callport/example-kit/page'
import { joinRoom } from '../page'

// The form calls src/page.ts's joinRoom: the user id goes in the x-user-id header the token server reads.
handleJoinForm((text) => joinRoom(text('room'), text('name'), document.querySelector<HTMLElement>('#videos')!))
