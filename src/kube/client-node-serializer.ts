// What client-node's cache.js (ListWatch) needs of its model serializer (see client-node-slim.ts): it
// serializes the label and field selectors as 'string', which the real serializer returns unchanged.
export const ObjectSerializer = {
  serialize(data: unknown, type: string): unknown {
    if (type !== 'string') throw new Error(`sluice's slim client-node serializer cannot serialize ${type}`);
    return data;
  },
};
