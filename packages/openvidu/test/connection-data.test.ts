import { describe, expect, it } from 'vitest'
import { decodeParticipantData, encodeParticipantData, METADATA_SEPARATOR, participantOfConnection, splitConnectionData } from '../src/shared/connection-data'

describe('participant server data', () => {
  it('is the documented JSON object', () => {
    expect(JSON.parse(encodeParticipantData({ identity: 'alice', name: 'Alice', role: 'moderator', metadata: { seat: 3 } }))).toEqual({
      callport: 1,
      identity: 'alice',
      name: 'Alice',
      role: 'moderator',
      metadata: { seat: 3 },
    })
    expect(encodeParticipantData({ identity: 'bob', role: 'subscriber' })).toBe('{"callport":1,"identity":"bob","role":"subscriber"}')
  })

  it('never contains the %/% separator, even when the participant does, and decodes back', () => {
    const participant = { identity: '50%/%off', name: '%/%', role: 'publisher' as const, metadata: { note: 'a%/%b' } }
    const encoded = encodeParticipantData(participant)
    expect(encoded).not.toContain('%')
    expect(decodeParticipantData(encoded)).toEqual(participant)
  })

  it('decodes only its own format', () => {
    expect(decodeParticipantData('')).toBeUndefined()
    expect(decodeParticipantData(null)).toBeUndefined()
    expect(decodeParticipantData('{"clientData":"Participant42"}')).toBeUndefined()
    expect(decodeParticipantData('{"callport":2,"identity":"a","role":"publisher"}')).toBeUndefined()
    expect(decodeParticipantData('{"callport":1,"identity":"a","role":"owner"}')).toBeUndefined()
    expect(decodeParticipantData('not json')).toBeUndefined()
  })
})

describe('connection.data in the browser', () => {
  const serverData = encodeParticipantData({ identity: 'alice', role: 'publisher' })

  it('splits client data and server data at the separator OpenVidu adds', () => {
    const clientData = '{"clientData":"a %/% b"}'
    expect(splitConnectionData(`${clientData}${METADATA_SEPARATOR}${serverData}`)).toEqual({ clientData, serverData })
  })

  it("takes text without a separator as server data when it is Callport's, else as client data", () => {
    expect(splitConnectionData(serverData)).toEqual({ clientData: '', serverData })
    expect(splitConnectionData('{"clientData":"Participant42"}')).toEqual({ clientData: '{"clientData":"Participant42"}', serverData: '' })
    expect(splitConnectionData(undefined)).toEqual({ clientData: '', serverData: '' })
  })
})

describe('participantOfConnection', () => {
  it('takes identity, name, role and metadata from Callport server data', () => {
    const serverData = encodeParticipantData({ identity: 'alice', name: 'Alice', role: 'moderator', metadata: { a: 1 } })
    expect(participantOfConnection({ connectionId: 'con_A123456789', serverData, clientData: '{"clientData":"spoof"}', role: 'SUBSCRIBER' })).toEqual({
      identity: 'alice',
      name: 'Alice',
      role: 'moderator',
      metadata: { a: 1 },
      providerParticipantId: 'con_A123456789',
    })
  })

  it("names other connections by connection id, with the samples' clientData or plain client data as name", () => {
    expect(participantOfConnection({ connectionId: 'con_A123456789', clientData: '{"clientData":"Participant42"}', role: 'SUBSCRIBER' })).toEqual({
      identity: 'con_A123456789',
      name: 'Participant42',
      role: 'subscriber',
      providerParticipantId: 'con_A123456789',
    })
    expect(participantOfConnection({ connectionId: 'con_B123456789', clientData: 'Zoë' })).toMatchObject({ identity: 'con_B123456789', name: 'Zoë', role: 'publisher' })
    expect(participantOfConnection({ connectionId: 'con_C123456789', clientData: '{"other":1}' })).not.toHaveProperty('name')
  })
})
