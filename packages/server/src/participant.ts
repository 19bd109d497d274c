import { ParticipantSchema, type Participant } from '@callport/core'
import type { ParticipantInput } from './options'
import { validateInput } from './validate-input'

/** Validates a participant with core's ParticipantSchema, defaulting `role` to `'publisher'`. */
export function toParticipant(input: ParticipantInput, what = 'participant'): Participant {
  const candidate = typeof input === 'object' && input !== null && input.role === undefined ? { ...input, role: 'publisher' as const } : input
  return validateInput(ParticipantSchema, candidate, what)
}
