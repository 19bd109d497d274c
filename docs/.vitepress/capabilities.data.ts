import { defineLoader } from 'vitepress'
import { allProviderCapabilities, type ProviderCapabilities } from './provider-capabilities'

/** Build-time data of the capability tables, read from the adapters themselves (provider-capabilities.ts). */
declare const data: ProviderCapabilities[]
export { data }

export default defineLoader({
  load: (): ProviderCapabilities[] => allProviderCapabilities(),
})
