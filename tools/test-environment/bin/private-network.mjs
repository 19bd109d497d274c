#!/usr/bin/env node
// private-network <command> [args…]
// Runs a test command inside a private network namespace whose only interface is loopback
// (`unshare -rn`, then `ip link set lo up`), so that servers, Redis and Chromium's WebRTC media all
// stay on 127.0.0.1 and nothing reaches the machine's other addresses. Sets CALLPORT_PRIVATE_NETWORK=1
// for the suites that need it (see src/private-network.ts). Where the kernel gives no unprivileged
// user namespaces, the command runs as it is and those suites skip, saying why (fail with CI=true).
import { spawn, spawnSync } from 'node:child_process'

const command = process.argv.slice(2)
const [program] = command
if (program === undefined) {
  console.error('usage: private-network <command> [args…]')
  process.exit(2)
}

/**
 * @param {string} file
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function run(file, args, env) {
  const child = spawn(file, args, { stdio: 'inherit', env })
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)))
}

if (process.env.CALLPORT_PRIVATE_NETWORK === '1') {
  run(program, command.slice(1), process.env)
} else {
  const probe = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr || `exit ${probe.status}`).trim()
    run(program, command.slice(1), { ...process.env, CALLPORT_PRIVATE_NETWORK_UNAVAILABLE: `unshare -rn failed: ${why}` })
  } else {
    run('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'private-network', ...command], { ...process.env, CALLPORT_PRIVATE_NETWORK: '1' })
  }
}
