// A ring buffer: keeps the newest `capacity` items, so that a dashboard left running all day
// holds as much as one left running a minute.

export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be an integer ≥ 1, got ${capacity}`);
  }

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The kept items, oldest first. */
  toArray(): T[] {
    if (this.items.length < this.capacity) return this.items.slice();
    return this.items.slice(this.next).concat(this.items.slice(0, this.next));
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
    this.next = 0;
  }
}
