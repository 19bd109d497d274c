import type { Participant } from '@callport/core'

/** What a route function sees: the new room's name and, when known, who asked for it. */
export interface RouteContext {
  room: string
  participant: Participant | undefined
}

/**
 * Picks the provider a NEW room is created on. Rooms already live keep their provider, so a route
 * may change at any time without moving calls in progress.
 */
export type RouteFunction = (context: RouteContext) => string | Promise<string>

/** Every room goes to `provider`. */
export function fixedRoute(provider: string): RouteFunction {
  return () => provider
}

const FNV_OFFSET_BASIS = 0x811c9dc5
const FNV_PRIME = 0x01000193
const utf8 = new TextEncoder()

/**
 * The rollout bucket of a room, 0…99: FNV-1a (32 bit) over the UTF-8 bytes of the name, modulo 100.
 * The same name lands in the same bucket in every process, on every machine, in every release.
 */
export function roomBucket(room: string): number {
  let hash = FNV_OFFSET_BASIS
  for (const byte of utf8.encode(room)) {
    hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0
  }
  return hash % 100
}

export interface PercentageRouteOptions {
  /** Provider that receives the rollout. */
  provider: string
  /** Share of new rooms sent to `provider`, 0…100. Rooms whose bucket is below it go there. */
  percent: number
  /** Provider, or route, for the other rooms. */
  otherwise: string | RouteFunction
}

/**
 * Sends `percent` % of new rooms to `provider`, chosen by a stable hash of the room name
 * (`roomBucket`), so every process makes the same choice for the same room. Raising `percent`
 * only adds rooms to the rollout: a room inside it at 10 % is still inside at 20 %.
 */
export function percentageRoute(options: PercentageRouteOptions): RouteFunction {
  const { provider, percent } = options
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`percentageRoute: percent must be between 0 and 100, got ${percent}`)
  }
  const otherwise = asRoute(options.otherwise)
  return (context) => (roomBucket(context.room) < percent ? provider : otherwise(context))
}

export interface AllowListRouteOptions {
  /** Room names sent to `provider`, or a predicate over the room name. */
  rooms: readonly string[] | ((room: string) => boolean)
  provider: string
  /** Provider, or route, for the rooms not on the list. */
  otherwise: string | RouteFunction
}

/** Sends the listed rooms (or those the predicate accepts) to `provider`, the rest to `otherwise`. */
export function allowListRoute(options: AllowListRouteOptions): RouteFunction {
  const { rooms, provider } = options
  const listed = new Set(typeof rooms === 'function' ? [] : rooms)
  const allowed = typeof rooms === 'function' ? rooms : (room: string) => listed.has(room)
  const otherwise = asRoute(options.otherwise)
  return (context) => (allowed(context.room) ? provider : otherwise(context))
}

function asRoute(route: string | RouteFunction): RouteFunction {
  return typeof route === 'string' ? fixedRoute(route) : route
}
