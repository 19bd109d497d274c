#!/usr/bin/env node
// @ts-check
// `prepack` and `prepublishOnly` of every public package. npm packs `workspace:^` dependencies as they
// are written, which no registry can resolve, so packing or publishing goes through pnpm only:
// `npm run release` (publishing) or `npm run pack:local` (tarballs). pnpm leaves both scripts out of
// the published package.json.
const agent = process.env.npm_config_user_agent ?? ''
if (!agent.startsWith('pnpm/')) {
  const name = process.env.npm_package_name ?? 'this package'
  console.error(
    [
      `Refusing to ${process.env.npm_lifecycle_event === 'prepublishOnly' ? 'publish' : 'pack'} ${name} with ${agent.split(' ')[0] || 'this tool'}.`,
      'npm would publish its "workspace:^" dependencies as they are written and no registry resolves them.',
      'From the repository root, publish with `npm run release` (see CONTRIBUTING.md, "Releasing"),',
      'or make local tarballs with `npm run pack:local`.',
    ].join('\n'),
  )
  process.exit(1)
}
