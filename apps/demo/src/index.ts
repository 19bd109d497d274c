export { startDemoServer, CALLS_BASE_PATH, type DemoServer, type DemoServerOptions } from './demo-server'
export { demoProviders, type DemoProvider, type DemoProviderContext, type DemoProviderRuntime } from './demo-providers'
export { readDemoSettings, type DemoSettings } from './demo-settings'
