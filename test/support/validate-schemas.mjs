// Validates objects (JSON array on stdin) with the npm schema validators, which are ESM-only and so cannot load
// inside jest's CommonJS runtime. Prints a JSON array of {object, error} for every invalid object.
const modules = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'networking.istio.io/v1': '@kubernetes-models/istio/networking.istio.io/v1',
  'security.istio.io/v1': '@kubernetes-models/istio/security.istio.io/v1',
  'argoproj.io/v1alpha1': '@kubernetes-models/argo-cd/argoproj.io/v1alpha1',
  'cert-manager.io/v1': '@kubernetes-models/cert-manager/cert-manager.io/v1',
};
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = [];
for (const obj of objects) {
  const id = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
  const path = modules[obj.apiVersion];
  if (!path) { results.push({ object: id, error: `no validator for ${obj.apiVersion}` }); continue; }
  const kind = (await import(path))[obj.kind];
  if (!kind) { results.push({ object: id, error: `no validator for kind ${obj.kind}` }); continue; }
  try { new kind(obj).validate(); } catch (e) { results.push({ object: id, error: e.message }); }
}
process.stdout.write(JSON.stringify(results));
