import packageJson from '../../package.json'

/** The version of `@callport/janus`, from its package.json. */
export const VERSION: string = packageJson.version
