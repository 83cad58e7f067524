// Text written piece by piece into a growing buffer, outside the JS heap: a batch's lines wait there for their group
// commit (up to 100 ms, thousands of records) without being objects the young-generation collector copies and
// promotes, which is most of what keeping them as strings cost.

/** The first allocation: a batch of one record (a mutation's own) needs less, a batch of repeats grows by doubling. */
const INITIAL_BYTES = 1024
const EMPTY = Buffer.alloc(0)

export class TextBytes {
  /** Allocated at the first write: a batch that takes no record allocates nothing. */
  private buffer = EMPTY
  private length = 0

  /** Writes `text` as UTF-8. */
  write(text: string): void {
    this.room(text.length * 3)
    this.length += this.buffer.write(text, this.length, 'utf8')
  }

  /**
   * Writes `lead` (ASCII) and then `id`, when `id` is printable ASCII with no quote or backslash (its JSON is itself,
   * quoted). False, and nothing written, for any other id.
   */
  writeIdAfter(lead: string, id: string): boolean {
    this.room(lead.length + id.length)
    const buffer = this.buffer
    let at = this.length
    for (let index = 0; index < lead.length; index++) buffer[at++] = lead.charCodeAt(index)
    for (let index = 0; index < id.length; index++) {
      const code = id.charCodeAt(index)
      if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false
      buffer[at++] = code
    }
    this.length = at
    return true
  }

  /** Writes one ASCII byte. */
  byte(code: number): void {
    this.room(1)
    this.buffer[this.length++] = code
  }

  toString(): string {
    return this.buffer.toString('utf8', 0, this.length)
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, INITIAL_BYTES, this.length + bytes))
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }
}
