import { writeFileSync, readFileSync } from 'fs';
import * as YAML from 'yaml';
import { loadConfig } from '../lib/config/load';
test('prof', () => {
  const f = '/tmp/hts/huge.yaml';
  let t = Date.now();
  writeFileSync(f, `host: ${'a'.repeat(50_000_000)}.example.com\n`);
  console.log('write', Date.now() - t); t = Date.now();
  const text = readFileSync(f, 'utf8');
  console.log('read', Date.now() - t); t = Date.now();
  YAML.parse(text);
  console.log('yaml.parse', Date.now() - t); t = Date.now();
  try { loadConfig(f); } catch (e) { console.log((e as Error).message.slice(0, 50)); }
  console.log('loadConfig', Date.now() - t);
});
