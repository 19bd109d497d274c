import type { Theme } from 'vitepress'
import DefaultTheme from 'vitepress/theme'
import CapabilityMatrix from './components/CapabilityMatrix.vue'
import DisconnectReasons from './components/DisconnectReasons.vue'
import ErrorCodes from './components/ErrorCodes.vue'
import LiveCallFrame from './components/LiveCallFrame.vue'
import LiveExample from './components/LiveExample.vue'
import ProviderCapabilities from './components/ProviderCapabilities.vue'
import './style.css'

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('CapabilityMatrix', CapabilityMatrix)
    app.component('DisconnectReasons', DisconnectReasons)
    app.component('ErrorCodes', ErrorCodes)
    app.component('LiveCallFrame', LiveCallFrame)
    app.component('LiveExample', LiveExample)
    app.component('ProviderCapabilities', ProviderCapabilities)
  },
} satisfies Theme
