import * as yaml from 'js-yaml';

/** Multi-document YAML with stable formatting: no anchors, no line folding, block style. */
export function toYamlDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => yaml.dump(o, { noRefs: true, lineWidth: -1, quotingType: "'" })).join('---\n');
}
