import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')
export const supportDirectory = dirname(fileURLToPath(import.meta.url))
