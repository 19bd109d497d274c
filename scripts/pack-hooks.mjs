// @ts-check
// pnpm hooks used only when packing and publishing: scripts/pack-lib.mjs and scripts/release.mjs pass
// `--config.pnpmfile=scripts/pack-hooks.mjs` (pnpm loads it with require(), which takes ES modules on
// Node >= 20.19). Installs never load it, so the lockfile's pnpmfileChecksum stays as it is.

export const hooks = {
  /**
   * The published package.json carries no devDependencies: consumers never install them, and ours name
   * private workspace packages (@callport/test-environment) that do not exist on the registry.
   * @param {Record<string, unknown>} manifest
   */
  beforePacking(manifest) {
    delete manifest.devDependencies
    return manifest
  },
}
