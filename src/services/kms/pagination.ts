// Limit/Marker pagination over an in-memory list, as KMS's List* operations page (Truncated, NextMarker).
import { InvalidMarkerException } from '../../generated/kms/errors.js'

export function paginate<T>(items: readonly T[], limit: number | undefined, marker: string | undefined): { page: T[]; NextMarker?: string; Truncated: boolean } {
  const start = marker === undefined ? 0 : decodeMarker(marker)
  const size = limit ?? 100
  const page = items.slice(start, start + size)
  const next = start + size
  return next < items.length ? { page, NextMarker: Buffer.from(`p${next}`).toString('base64'), Truncated: true } : { page, Truncated: false }
}

function decodeMarker(marker: string): number {
  const match = /^p(\d+)$/.exec(Buffer.from(marker, 'base64').toString('latin1'))
  if (!match) throw new InvalidMarkerException('Invalid marker')
  return Number(match[1])
}
