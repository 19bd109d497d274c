/**
 * The last `capacity` ids seen, oldest forgotten first: bounded memory for dropping duplicates.
 */
export class RecentIds {
  readonly #ids = new Set<string>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer')
  }

  has(id: string): boolean {
    return this.#ids.has(id)
  }

  /** Remembers `id` as the newest, forgetting the oldest once full. */
  add(id: string): void {
    this.#ids.delete(id)
    this.#ids.add(id)
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next().value as string
      this.#ids.delete(oldest)
    }
  }

  delete(id: string): void {
    this.#ids.delete(id)
  }

  get size(): number {
    return this.#ids.size
  }
}
