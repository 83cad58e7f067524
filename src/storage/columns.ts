// Portable column encodings: how timestamps and booleans are stored so both dialects read them back the same.

/*
 * Timestamps are TEXT holding `Date.prototype.toISOString()` output: UTC, millisecond precision,
 * fixed width (`2026-11-22T14:38:18.123Z`). Fixed width makes string order equal time order, so
 * `<`, `>` and ORDER BY work on both dialects without date functions; the text is also what AWS
 * returns on the wire. (Years outside 0000–9999 would break the fixed width: AWS never uses them.)
 *
 * Booleans are INTEGER 0/1: SQLite has no boolean type, and PostgreSQL returns integers as
 * numbers, so one encoding reads back the same everywhere.
 */

/** A timestamp column's value: ISO-8601 UTC text. */
export type DbTimestamp = string
/** A boolean column's value: 0 or 1. */
export type DbBoolean = 0 | 1

export function toDbTimestamp(date: Date): DbTimestamp {
  return date.toISOString()
}

export function fromDbTimestamp(value: DbTimestamp): Date {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw new Error(`stored timestamp \`${value}\` is not ISO-8601`)
  return date
}

export function toDbBoolean(value: boolean): DbBoolean {
  return value ? 1 : 0
}

export function fromDbBoolean(value: DbBoolean | number): boolean {
  if (value !== 0 && value !== 1) throw new Error(`stored boolean \`${value}\` is not 0 or 1`)
  return value === 1
}
