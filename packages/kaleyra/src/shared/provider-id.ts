/** The provider id of Kaleyra Video in tokens, rooms and errors. */
export const KALEYRA_PROVIDER = 'kaleyra' as const
