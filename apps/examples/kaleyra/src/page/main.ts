import { joinRoom } from '../page'

// The form calls src/page.ts's joinRoom: the user id goes in the x-user-id header the token server
// reads. The Kaleyra widget draws the call itself.
const form = document.querySelector<HTMLFormElement>('#join')!
const status = document.querySelector<HTMLElement>('#status')!
form.addEventListener('submit', (event) => {
  event.preventDefault()
  const fields = new FormData(form)
  const text = (name: string): string => {
    const value = fields.get(name)
    return typeof value === 'string' ? value : ''
  }
  status.textContent = 'Joining…'
  joinRoom(text('room'), text('name')).then(
    () => (status.textContent = 'Joined'),
    (error: unknown) => (status.textContent = `Could not join: ${error instanceof Error ? error.message : String(error)}`),
  )
})
