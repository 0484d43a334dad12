/**
 * State tables are plain JSON objects keyed by id, so snapshots and --state-file stay plain JSON; the engine's
 * collection helpers read and write them (own properties only, so an id such as `__proto__` is an id like any
 * other) and keep their ordered and secondary indexes beside them. Handlers write tables through these helpers.
 */
export { addTo, forReading, has, holdersOf, idsWhere, lookup, put, remove, removeFrom, rows, scan, size, type Table } from '../../engine/collection.js';
