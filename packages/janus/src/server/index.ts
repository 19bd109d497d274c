/** The Janus server half (work in progress, issue 18): for now only the provider id and the version. */
export { JANUS_PROVIDER } from '../shared/provider-id'
export { VERSION } from '../shared/version'
