/** The provider id of Vidyo.io, as it appears in `Token.provider` and `Room.provider`. */
export const VIDYO_PROVIDER = 'vidyo' as const
