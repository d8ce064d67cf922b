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

export function toCollection<T>(items: T[]): {
  totalCount: number;
  items: T[];
  attributes: { objectType: 'Collection' };
} {
  return { totalCount: items.length, items, attributes: { objectType: 'Collection' } };
}
