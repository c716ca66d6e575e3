/**
 * Sets `key` on `map` as an own, enumerable property. Plain assignment does that for every key but
 * `__proto__`, which on an ordinary object sets its prototype instead (a string value is ignored): a
 * tag or metadata key named `__proto__` would vanish from the map. Keys are user data, so every map
 * built from them goes through here.
 */
export function setOwnKey<V>(map: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__')
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}
