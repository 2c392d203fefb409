// timer's reference model: what clients observe of their alarms, as a function of the operation
// history alone (never of virtual time). A client's alarms are its own; ids count from 1 per
// client; at most ALARMS_MAX are pending (EMFILE). `cancel` and `wait` of a pending alarm succeed
// and remove it; `remaining` reports only whether the alarm is pending (its cycle count depends
// on time, so the client library does not record it). `collect` is modelled as if the alarm were
// due: whether it is depends on time, so generated workloads never contain a bare `collect`.
import { observe, type ClientOp, type Observation, type ReferenceModel } from '../framework/module.ts';
import { ALARMS_MAX } from './layout.ts';

interface ModelClient {
  ids_issued: number;
  pending: Set<number>;
  /** slot → the id a successful set returned */
  slots: number[];
}

export class TimerModel implements ReferenceModel {
  private readonly clients: ModelClient[];

  constructor(clients: number) {
    this.clients = Array.from({ length: clients }, () => ({ ids_issued: 0, pending: new Set<number>(), slots: [] }));
  }

  apply(client: number, op: ClientOp): Observation {
    const me = this.clients[client];
    if (op.op === 'set') {
      if (me.pending.size >= ALARMS_MAX) return observe('EMFILE');
      const id = ++me.ids_issued;
      me.pending.add(id);
      me.slots.push(id);
      return observe('OK', [id]);
    }
    const id = me.slots[op.args[0]] ?? 0;
    switch (op.op) {
      case 'remaining':
        return observe(me.pending.has(id) ? 'OK' : 'ENOENT');
      case 'cancel':
      case 'collect':
      case 'wait':
        return observe(me.pending.delete(id) ? 'OK' : 'ENOENT');
      default:
        return observe('ENOSYS');
    }
  }
}
