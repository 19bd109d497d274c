import { EventEmitter } from 'eventemitter3'
import { describe, expectTypeOf, it } from 'vitest'
import type { connectionEventNames, sessionEventNames } from './index'
import type { CallServerEvents, ConnectionEvents, ConnectionStateChangedEvent, Participant, SessionEvents, TrackEvent, WebhookEvent } from './index'

describe('typed event maps', () => {
  const session = new EventEmitter<SessionEvents>()
  const server = new EventEmitter<CallServerEvents>()

  it('types the payload of each session event', () => {
    session.on('participant-joined', ({ participant }) => {
      expectTypeOf(participant).toEqualTypeOf<Participant>()
    })
    session.on('track-subscribed', (event) => {
      expectTypeOf(event).toEqualTypeOf<TrackEvent>()
    })
    session.on('track-muted', (event) => {
      expectTypeOf(event).toEqualTypeOf<TrackEvent>()
      expectTypeOf(event.track.source).toEqualTypeOf<'camera' | 'microphone' | 'screen' | 'screen-audio' | 'unknown'>()
    })
    session.on('track-unmuted', (event) => {
      expectTypeOf(event).toEqualTypeOf<TrackEvent>()
    })
    session.on('connection-state-changed', (event) => {
      expectTypeOf(event).toEqualTypeOf<ConnectionStateChangedEvent>()
    })
  })

  it('refuses a misspelled event name', () => {
    // @ts-expect-error 'participant-joind' is not an event
    session.on('participant-joind', () => {})
    // @ts-expect-error camelCase vendor names are not Callport events
    session.on('participantConnected', () => {})
  })

  it('refuses a wrong payload type', () => {
    // @ts-expect-error the payload of participant-joined is a Participant, not a string
    session.on('participant-joined', (participant: string) => participant)
    // @ts-expect-error emitting track-subscribed needs a TrackEvent
    session.emit('track-subscribed', { participant: 'alice' })
  })

  it('narrows webhook events by type', () => {
    server.on('participant-left', (event) => {
      expectTypeOf(event.participant.identity).toEqualTypeOf<string>()
      expectTypeOf(event.type).toEqualTypeOf<'participant-left'>()
    })
    server.on('webhook', (event) => {
      expectTypeOf(event).toEqualTypeOf<WebhookEvent>()
    })
    // @ts-expect-error room-started carries no participant
    server.on('room-started', (event) => event.participant)
  })
})

describe('event name lists', () => {
  it('list every connection and session event exactly', () => {
    expectTypeOf<(typeof connectionEventNames)[number]>().toEqualTypeOf<keyof ConnectionEvents>()
    expectTypeOf<(typeof sessionEventNames)[number]>().toEqualTypeOf<keyof SessionEvents>()
  })
})
