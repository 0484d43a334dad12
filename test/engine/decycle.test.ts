/**
 * decycle turns the dereferenced document's graph into a tree ajv compiles: a recursive schema's way back up
 * becomes a $ref to where its target stands; an object shared without a cycle is copied, never replaced by a
 * $ref (an `enum` or `example` value that happens to be shared keeps its meaning).
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { decycle } from '../../src/engine/validator.js';

describe('decycle', () => {
  it('replaces a way back up the tree by a $ref, and the result validates recursive data', () => {
    const node: Record<string, any> = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
    node.properties.children = { type: 'array', items: node };
    const tree = decycle({ type: 'object', properties: { 'a/b~c': node } }) as any;
    expect(tree.properties['a/b~c'].properties.children.items).toEqual({ $ref: '#/properties/a~1b~0c' });
    const validate = new Ajv({ strict: false }).compile(tree);
    expect(validate({ 'a/b~c': { name: 'x', children: [{ name: 'y', children: [] }] } })).toBe(true);
    expect(validate({ 'a/b~c': { name: 'x', children: [{ children: [] }] } })).toBe(false);
  });

  it('copies a shared object instead of referring to it', () => {
    const shared = { type: 'string', enum: [{ same: 'object' }] };
    const tree = decycle({ properties: { a: shared, b: shared } }) as any;
    expect(tree.properties.b).toEqual(shared);
    expect(tree.properties.b.$ref).toBeUndefined();
  });

  it('keeps a property named __proto__ as a property', () => {
    const tree = decycle(JSON.parse('{"properties":{"__proto__":{"type":"string"}}}')) as any;
    expect(Object.getOwnPropertyDescriptor(tree.properties, '__proto__')?.value).toEqual({ type: 'string' });
  });
});
