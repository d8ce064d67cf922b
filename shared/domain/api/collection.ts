import { z } from 'zod';

/** Partner Center's list shape: `{ totalCount, items, attributes: { objectType: "Collection" } }`. */
export function collectionSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      totalCount: z.number().int().nonnegative(),
      items: z.array(item),
      attributes: z.object({ objectType: z.literal('Collection') }),
    })
    .meta({ id });
}

export interface Collection<T> {
  totalCount: number;
  items: T[];
  attributes: { objectType: 'Collection' };
}

export function toCollection<T>(items: T[]): Collection<T> {
  return { totalCount: items.length, items, attributes: { objectType: 'Collection' } };
}
