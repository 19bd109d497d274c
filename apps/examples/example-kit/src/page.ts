/** The value of a text field of `form` as it is now ('' when it has none). */
export function formText(form: HTMLFormElement): (name: string) => string {
  const fields = new FormData(form)
  return (name) => {
    const value = fields.get(name)
    return typeof value === 'string' ? value : ''
  }
}

/**
 * The page's `#join` form: on submit, `join` with the form's text fields, and `#status` says
 * `Joining…`, then `Joined` or `Could not join: <why>`.
 */
export function handleJoinForm(join: (text: (name: string) => string) => Promise<unknown>): void {
  const form = document.querySelector<HTMLFormElement>('#join')!
  const status = document.querySelector<HTMLElement>('#status')!
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = formText(form)
    status.textContent = 'Joining…'
    join(text).then(
      () => (status.textContent = 'Joined'),
      (error: unknown) => (status.textContent = `Could not join: ${error instanceof Error ? error.message : String(error)}`),
    )
  })
}
