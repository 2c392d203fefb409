// The kernel's queues (ready queues, an endpoint's senders and receivers) are short arrays in
// arrival order. Taking an element out is the hot operation of every IPC: `splice` would allocate
// the array of removed elements each time, so the head and the tail, by far the common cases, are
// taken with shift and pop, and only a middle element is spliced.

/** Removes `item` from `list` if it is there (its first occurrence); answers whether it was. */
export function removeFromQueue<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  if (i === 0) list.shift();
  else if (i === list.length - 1) list.pop();
  else list.splice(i, 1);
  return true;
}
