import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CallportError } from '@callport/core'
import { http, HttpResponse } from 'msw'
import { afterAll, describe, expect, it } from 'vitest'
import { expectCallportError, serveStaticFiles } from '../src/index'
import { useMswServer } from '../src/msw'

describe('serveStaticFiles', () => {
  it('serves files given by URL path on 127.0.0.1, with content types, 404 and 405 for the rest', async () => {
    const site = await serveStaticFiles({
      files: { '/': '<!doctype html><p>hi</p>', '/app.js': 'export {}', '/data': { body: new Uint8Array([1, 2]), contentType: 'application/x-test' } },
    })
    try {
      expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const page = await fetch(`${site.url}/`)
      expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([200, 'text/html; charset=utf-8', '<!doctype html><p>hi</p>'])
      expect((await fetch(`${site.url}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      const data = await fetch(`${site.url}/data`)
      expect([data.headers.get('content-type'), [...new Uint8Array(await data.arrayBuffer())]]).toEqual(['application/x-test', [1, 2]])
      expect((await fetch(`${site.url}/missing.js`)).status).toBe(404)
      expect((await fetch(`${site.url}/`, { method: 'POST' })).status).toBe(405)
    } finally {
      await site.close()
    }
  })

  it('serves a folder (index.html for a folder) and nothing outside it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'callport-static-'))
    const root = join(parent, 'site')
    mkdirSync(join(root, 'nested'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<p>root</p>')
    writeFileSync(join(root, 'nested', 'index.html'), '<p>nested</p>')
    writeFileSync(join(root, 'style.css'), 'p {}')
    writeFileSync(join(parent, 'secret.txt'), 'secret')
    const site = await serveStaticFiles({ root })
    try {
      expect(await (await fetch(`${site.url}/`)).text()).toBe('<p>root</p>')
      expect(await (await fetch(`${site.url}/nested/`)).text()).toBe('<p>nested</p>')
      expect((await fetch(`${site.url}/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8')
      expect((await fetch(`${site.url}/%2E%2E/secret.txt`)).status).toBe(404)
      expect((await fetch(`${site.url}/%E4%BC`)).status).toBe(404)
      const head = await fetch(`${site.url}/style.css`, { method: 'HEAD' })
      expect([head.status, await head.text()]).toEqual([200, ''])
    } finally {
      await site.close()
      rmSync(parent, { recursive: true, force: true })
    }
  })

  it('close() is idempotent and stops the server; it also stops by itself after stopAfter', async () => {
    const site = await serveStaticFiles({ files: { '/': 'x' } })
    await Promise.all([site.close(), site.close()])
    await expect(fetch(site.url)).rejects.toThrow()
    const forgotten = await serveStaticFiles({ files: { '/': 'x' }, stopAfter: 1 })
    await expect
      .poll(() =>
        fetch(forgotten.url).then(
          () => 'up',
          () => 'stopped',
        ),
      )
      .toBe('stopped')
  })
})

describe('useMswServer', () => {
  const server = useMswServer(http.get('https://vendor.example.test/ping', () => HttpResponse.json({ ok: true })))
  afterAll(() => expect(server.listHandlers()).toHaveLength(1))

  it('answers with the handlers given, and with handlers a test adds', async () => {
    expect(await (await fetch('https://vendor.example.test/ping')).json()).toEqual({ ok: true })
    server.use(http.get('https://vendor.example.test/extra', () => HttpResponse.text('extra')))
    expect(await (await fetch('https://vendor.example.test/extra')).text()).toBe('extra')
  })

  it('drops the handlers a test added after it, and refuses unhandled requests', async () => {
    expect(server.listHandlers()).toHaveLength(1)
    await expect(fetch('https://vendor.example.test/extra')).rejects.toThrow()
  })
})

describe('expectCallportError', () => {
  it('returns the CallportError when the code is one of those expected', async () => {
    const error = await expectCallportError(Promise.reject(new CallportError('ROOM_NOT_FOUND', 'gone')), ['NOT_FOUND', 'ROOM_NOT_FOUND'])
    expect(error.message).toBe('gone')
  })
})
