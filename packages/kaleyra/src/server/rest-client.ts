import { createVendorRestClient, type VendorRestClient } from '@callport/provider-utils/server'
import { describeKaleyraError } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import { VERSION } from '../shared/version'
import type { ResolvedKaleyraSettings } from './settings'

/**
 * The Kaleyra REST API through the shared vendor REST client: the `apikey` header, the shared
 * status table, and Kaleyra's documented error names read from error bodies.
 */
export function createKaleyraRestClient(settings: ResolvedKaleyraSettings): VendorRestClient {
  return createVendorRestClient({
    provider: KALEYRA_PROVIDER,
    vendor: 'Kaleyra',
    providerVersion: VERSION,
    baseUrl: settings.baseUrl,
    headers: { apikey: settings.apiKey, accept: 'application/json' },
    settings: settings.rest,
    describeError: describeKaleyraError,
  })
}
