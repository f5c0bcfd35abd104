/** A copy of `array` with room for `capacity` items, the new ones zero. */
export function grown<T extends Int32Array | Float64Array | BigUint64Array>(array: T, capacity: number): T {
  const copy = new (array.constructor as new (length: number) => T)(capacity);
  copy.set(array as never);
  return copy;
}
