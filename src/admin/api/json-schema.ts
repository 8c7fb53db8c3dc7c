// Tiny builders for the JSON Schemas the admin routes declare (fastify validates queries with them
// and serialises responses from them; the OpenAPI document and docs/admin-api.md are made from them).

export type Schema = Readonly<Record<string, unknown>>;

export const string: Schema = { type: 'string' };
export const integer: Schema = { type: 'integer' };
export const number: Schema = { type: 'number' };
export const boolean: Schema = { type: 'boolean' };
/** Any JSON value (serialised as is). */
export const anyValue: Schema = {};

export function nullable(schema: Schema): Schema {
  return { ...schema, type: [schema.type, 'null'] };
}

export function oneOf(...values: readonly string[]): Schema {
  return { type: 'string', enum: values };
}

export function nullableOneOf(...values: readonly string[]): Schema {
  return { type: ['string', 'null'], enum: [...values, null] };
}

export function arrayOf(items: Schema): Schema {
  return { type: 'array', items };
}

/** A map from free-form keys to values of one schema. */
export function recordOf(values: Schema): Schema {
  return { type: 'object', additionalProperties: values };
}

/** An object whose listed properties are all required. */
export function object(properties: Readonly<Record<string, Schema>>, description?: string): Schema {
  const schema: Record<string, unknown> = {
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
  if (description !== undefined) schema.description = description;
  return schema;
}

export function describe(schema: Schema, description: string): Schema {
  return { ...schema, description };
}
