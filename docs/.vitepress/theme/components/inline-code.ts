/** A piece of table text: plain, or code (written between backticks in the source). */
export interface TextPart {
  text: string
  code: boolean
}

/** Splits "`tracks`: the app attaches…" into code and plain parts, as Markdown would render them. */
export function inlineCode(text: string): TextPart[] {
  return text
    .split('`')
    .map((part, index) => ({ text: part, code: index % 2 === 1 }))
    .filter((part) => part.text !== '')
}
