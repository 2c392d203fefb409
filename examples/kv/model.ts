// What a kv client should observe without faults: one Map per client, and the global count as
// the sum of their sizes (the model sees the operations in the order the server handled them).
import { observe, type ClientOp, type Observation, type ReferenceModel } from 'curios';
import { KEYS_MAX } from './server.ts';

export class KvModel implements ReferenceModel {
  private readonly tables: Map<number, number>[];

  constructor(clients: number) {
    this.tables = Array.from({ length: clients }, () => new Map<number, number>());
  }

  apply(client: number, op: ClientOp): Observation {
    const table = this.tables[client];
    const [key = 0, value = 0] = op.args;
    switch (op.op) {
      case 'put':
        if (key === 0) return observe('EINVAL');
        if (!table.has(key) && table.size >= KEYS_MAX) return observe('ENOSPC');
        table.set(key, value >>> 0);
        return observe('OK');
      case 'get':
        return table.has(key) ? observe('OK', [table.get(key) ?? 0]) : observe('ENOENT');
      case 'del':
        return table.delete(key) ? observe('OK') : observe('ENOENT');
      case 'count':
        return observe('OK', [this.tables.reduce((n, t) => n + t.size, 0)]);
      default:
        return observe('ENOSYS');
    }
  }
}
