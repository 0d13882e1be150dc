import '../support/shared-templates';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as yaml from 'js-yaml';
import { renderAll } from '../../lib/synth';
import { scratch, sorted, template, withoutHelmLabels, writeChart } from './support';
import { STACK } from '../../charts';

describe('Argo CD with the chart as the app source (gitops.appSource: helm)', () => {
  const { dir, cleanup } = scratch('helm-argocd');
  afterAll(cleanup);

  test('the Application points at the generated chart, and its values render the environment like the directory source', async () => {
    // GIVEN an environment deployed from the chart, with ip targets (so the plain YAML declares the gateway namespace)
    const envDir = join(dir, 'environments');
    mkdirSync(envDir);
    writeFileSync(
      join(envDir, 'stage.yaml'),
      yaml.dump({
        host: 'yelb.stage.example.com',
        alb: { targetType: 'ip' },
        gitops: { appSource: 'helm' },
      }),
    );
    const { files, environments } = renderAll(STACK, undefined, { environmentsDir: envDir });
    const app = yaml.load(String(files.get('argocd/stage/app.yaml'))) as any;
    expect(app.spec.source.path).toBe('dist/helm/eks-alb-istio-tls');

    // WHEN helm renders the chart with the Application's values
    const { chartDir } = writeChart(dir);
    const objects = await template(chartDir, dir, 'stage', app.spec.source.helm.valuesObject);

    // THEN the environment's objects, without the gateway namespace, which the Istio Applications own (as the
    // directory source leaves out its file)
    const plain = environments[0].manifests
      .filter((m) => m.fileName !== '01-gateway-namespace.yaml')
      .flatMap((m) => m.objects);
    expect(environments[0].manifests.some((m) => m.fileName === '01-gateway-namespace.yaml')).toBe(true);
    expect(sorted(withoutHelmLabels(objects))).toEqual(sorted(withoutHelmLabels(plain)));
  });
});
