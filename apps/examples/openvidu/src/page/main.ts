import { joinRoom } from '../page'

// The form calls src/page.ts's joinRoom: the name goes in the `user` cookie the app server reads.
const form = document.querySelector<HTMLFormElement>('#join')!
const status = document.querySelector<HTMLElement>('#status')!
form.addEventListener('submit', (event) => {
  event.preventDefault()
  const fields = new FormData(form)
  const text = (name: string): string => {
    const value = fields.get(name)
    return typeof value === 'string' ? value : ''
  }
  document.cookie = `user=${encodeURIComponent(text('name'))}; path=/; samesite=strict`
  status.textContent = 'Joining…'
  joinRoom(text('room'), document.querySelector<HTMLElement>('#videos')!).then(
    () => (status.textContent = 'Joined'),
    (error: unknown) => (status.textContent = `Could not join: ${error instanceof Error ? error.message : String(error)}`),
  )
})
