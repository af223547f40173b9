/**
 * Moving a PDV type up or down the bot's list. The server keeps a `position` per
 * type and lists them by (position, id); positions may repeat or have gaps (types
 * added by hand, older data). A move renumbers the list 0, 1, 2… in its new order
 * and returns only the types whose position changes: usually the two that swap.
 */

export interface Positioned {
  readonly id: number;
  readonly position: number;
}

/** The server's order: by position, then by id. */
export function inOrder<T extends Positioned>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.position - b.position || a.id - b.id);
}

/** The position changes that move `id` by `delta` places (−1 up, +1 down); none at an end. */
export function move<T extends Positioned>(items: readonly T[], id: number, delta: -1 | 1): Positioned[] {
  const order = inOrder(items);
  const from = order.findIndex((i) => i.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= order.length) return [];
  const moved = [...order];
  const [item] = moved.splice(from, 1);
  if (item === undefined) return [];
  moved.splice(to, 0, item);
  return moved.flatMap((i, position) => (i.position === position ? [] : [{ id: i.id, position }]));
}
