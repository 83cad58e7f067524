// Checks that migrations/index.ts lists every migration file, in order, under its file name.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { migrations } from './index.js'

describe('migrations', () => {
  it('lists every NNNN-*.ts file of this folder, in file-name order, with the file name as id', () => {
    const files = readdirSync(new URL('.', import.meta.url))
      .filter((file) => /^\d{4}-.+\.ts$/.test(file) && !file.endsWith('.test.ts'))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort()
    expect(migrations.map((migration) => migration.id)).toEqual(files)
  })
})
