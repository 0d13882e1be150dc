/**
 * Remembers the last `kept` results of repeated work in one process, by key (the oldest is dropped first). A failing
 * computation is not remembered. Callers that hand the value out hand out copies.
 */
export function recent<V>(kept: number): (key: string, compute: () => V) => V {
  const values = new Map<string, V>();
  return (key, compute) => {
    if (values.has(key)) return values.get(key)!;
    const value = compute();
    values.set(key, value);
    if (values.size > kept) values.delete(values.keys().next().value!);
    return value;
  };
}
