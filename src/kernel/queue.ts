// The kernel's queues (ready queues, an endpoint's senders and receivers) are short arrays in
// arrival order. Taking an element out is the hot operation of every IPC: `splice` would allocate
// the array of removed elements each time, so the head and the tail, by far the common cases, are
// taken with shift and pop, and only a middle element is spliced.

/** Removes `item` from `list` if it is there (its first occurrence); answers whether it was. */
export function removeFromQueue<T>(list: T[], item: T): boolean {
  // The head, and an empty queue, without a call to indexOf: the cases of nearly every IPC.
  const n = list.length;
  if (n === 0) return false;
  if (list[0] === item) {
    // A queue of one loses its only element with pop, which moves nothing.
    if (n === 1) list.pop();
    else list.shift();
    return true;
  }
  const i = list.indexOf(item, 1);
  if (i < 0) return false;
  if (i === n - 1) list.pop();
  else list.splice(i, 1);
  return true;
}
