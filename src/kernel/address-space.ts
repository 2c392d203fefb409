// Address spaces and the mapping database (L4's recursive address spaces).
// A page is first *allocated* into a task (a root mapping that owns a fresh frame); from there it
// can be *mapped* (shared: a child mapping, with equal or fewer rights) or *granted* (moved: the
// receiver takes the giver's place in the tree, the giver loses it). Flushing a page revokes every
// mapping derived from it, recursively; unmapping it with `self` also removes the page itself,
// and a root mapping that goes frees its frame.
import type { Machine } from '../hw/machine.ts';
import { PageTable } from '../hw/mmu.ts';
import type { FrameNumber } from '../hw/types.ts';

export interface MapNode {
  readonly space: AddressSpace;
  readonly vpn: number;
  readonly frame: FrameNumber;
  writable: boolean;
  parent: MapNode | null;
  /** derived mappings, in the order they were made (null while there are none: most pages are never shared) */
  children: Set<MapNode> | null;
}

export class AddressSpace {
  readonly table: PageTable;
  readonly nodes = new Map<number, MapNode>();

  constructor(
    readonly asid: number,
    readonly owner: string,
  ) {
    this.table = new PageTable(asid);
  }

  isMapped(vpn: number): boolean {
    return this.nodes.has(vpn);
  }
}

/** Reports each removed mapping, for the trace. */
export type MapEventSink = (what: 'map' | 'grant' | 'unmap', space: AddressSpace, vpn: number, frame: FrameNumber) => void;

export class MappingDb {
  constructor(
    private readonly machine: Machine,
    private readonly sink: MapEventSink,
  ) {}

  /** A root mapping of a fresh zeroed frame; null when memory is exhausted. */
  allocate(space: AddressSpace, vpn: number, writable: boolean): MapNode | null {
    if (space.isMapped(vpn)) throw new Error(`invariant: allocate over mapped page ${vpn} in ${space.owner}`);
    const frame = this.machine.memory.allocFrame();
    if (frame === null) return null;
    return this.install(space, vpn, frame, writable, null, 'map');
  }

  /** Shares `from` into `space` at `vpn`; the new mapping is derived from it. */
  map(from: MapNode, space: AddressSpace, vpn: number, writable: boolean): MapNode {
    if (space.isMapped(vpn)) throw new Error(`invariant: map over mapped page ${vpn} in ${space.owner}`);
    const node = this.install(space, vpn, from.frame, writable && from.writable, from, 'map');
    (from.children ??= new Set()).add(node);
    return node;
  }

  /** Moves `from` to `space` at `vpn`: same parent, same children, the giver loses the page. */
  grant(from: MapNode, space: AddressSpace, vpn: number, writable: boolean): MapNode {
    if (space.isMapped(vpn)) throw new Error(`invariant: grant over mapped page ${vpn} in ${space.owner}`);
    const node = this.install(space, vpn, from.frame, writable && from.writable, from.parent, 'grant');
    // The new node has no children yet: it takes the giver's, set and all.
    if (from.children !== null) for (const child of from.children) child.parent = node;
    node.children = from.children;
    from.children = null;
    const siblings = from.parent?.children;
    if (siblings !== undefined && siblings !== null) {
      siblings.delete(from);
      siblings.add(node);
    }
    this.uninstall(from);
    return node;
  }

  /** Revokes every mapping derived from `node`, depth first; `node` itself stays. */
  flush(node: MapNode): void {
    const children = node.children;
    if (children === null) return;
    for (const child of children) {
      this.flush(child);
      this.uninstall(child);
    }
    node.children = null;
  }

  /** Flushes `node` and removes it; a root mapping frees its frame. */
  unmap(node: MapNode): void {
    this.flush(node);
    if (node.parent !== null) node.parent.children?.delete(node);
    else this.machine.memory.freeFrame(node.frame);
    this.uninstall(node);
  }

  /** Removes every page of a space (a task's death or restart). */
  clear(space: AddressSpace): void {
    for (const vpn of [...space.nodes.keys()].sort((a, b) => a - b)) {
      const node = space.nodes.get(vpn);
      if (node !== undefined) this.unmap(node);
    }
  }

  private install(space: AddressSpace, vpn: number, frame: FrameNumber, writable: boolean, parent: MapNode | null, what: 'map' | 'grant'): MapNode {
    const node: MapNode = { space, vpn, frame, writable, parent, children: null };
    space.nodes.set(vpn, node);
    space.table.set(vpn, frame, writable);
    this.machine.clock.charge(this.machine.costs.map_page);
    this.sink(what, space, vpn, frame);
    return node;
  }

  private uninstall(node: MapNode): void {
    node.space.nodes.delete(node.vpn);
    node.space.table.delete(node.vpn);
    this.machine.mmu.invalidate(node.space.table, node.vpn);
    this.machine.clock.charge(this.machine.costs.unmap_page);
    this.sink('unmap', node.space, node.vpn, node.frame);
  }
}
