/** For the client halves of provider packages: browser-safe, no REST client, no signing. */
export { defineClientAdapter, type ClientAdapterDefinition } from './define-client-adapter'
export { toProviderError } from '../shared/provider-error'
