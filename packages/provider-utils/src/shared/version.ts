import packageJson from '../../package.json'

/** The version of `@callport/provider-utils`, from its package.json. */
export const VERSION: string = packageJson.version
