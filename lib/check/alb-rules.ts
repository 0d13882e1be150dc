/**
 * The rules of the ALB the controller builds from each Ingress (alb-model.ts), in the order it reads them: ingress
 * class, listeners and redirect, certificates, TLS policy, target type, then the annotations, backends and groups.
 */
import { checkLoadBalancerAnnotations } from './alb-annotations';
import { checkBackend, checkReadinessGate } from './alb-backends';
import { checkIngressGroups, checkInvalidHeaderFields } from './alb-groups';
import { ALB, AlbIngress, CLASS_ANNOTATION, DEFAULT_SSL_POLICY, mayBeGateway } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { annotationField, at, str, strMap } from './util';

export function checkAlbIngresses(inv: Inventory, albs: readonly AlbIngress[], f: Findings): void {
  for (const alb of albs) {
    const ing = alb.obj;
    checkClass(inv, ing, alb.annotations, f);
    checkListeners(alb, f);
    checkCertificates(alb, f);
    checkSslPolicy(alb, f);
    if (alb.targetType !== 'instance' && alb.targetType !== 'ip') {
      f.add(
        'alb-annotation-invalid',
        ing,
        annotationField(`${ALB}target-type`),
        `target-type '${alb.targetType}' is neither instance nor ip`,
        `set ${ALB}target-type: ip`,
      );
    }
    checkLoadBalancerAnnotations(ing, alb.annotations, alb.params, f);
    for (const b of alb.backends) checkBackend(inv, ing, b, alb.targetType, f);
    if (alb.targetType === 'ip' && alb.backends.some((b) => mayBeGateway(inv, b))) checkReadinessGate(inv, ing, f);
  }
  checkCertificateRegions(albs, f);
  checkIngressGroups(
    inv,
    albs.map((a) => a.obj),
    f,
  );
  checkInvalidHeaderFields(
    inv,
    albs.map((a) => a.obj),
    f,
  );
}

function checkClass(inv: Inventory, ing: Obj, ann: Record<string, string>, f: Findings): void {
  const className = str(at(ing.raw.spec, 'ingressClassName'));
  const annotated = ann[CLASS_ANNOTATION];
  const field = annotationField(CLASS_ANNOTATION);
  if (className && annotated !== undefined) {
    f.add(
      'ingress-class-conflict',
      ing,
      field,
      `both spec.ingressClassName '${className}' and ${CLASS_ANNOTATION} '${annotated}' are set; the API server rejects this`,
      `remove the ${CLASS_ANNOTATION} annotation and keep spec.ingressClassName: alb`,
    );
  } else if (annotated !== undefined) {
    f.add(
      'ingress-class-annotation',
      ing,
      field,
      `uses the deprecated ${CLASS_ANNOTATION} annotation, which the controller can be told to ignore`,
      `replace the annotation with spec.ingressClassName: alb`,
    );
  } else if (!className) {
    const defaultClass = inv.memo('albDefaultClass', () =>
      inv
        .of('IngressClass', 'networking.k8s.io')
        .some(
          (ic) =>
            strMap(ic.raw.metadata?.annotations)['ingressclass.kubernetes.io/is-default-class'] === 'true' &&
            str(at(ic.raw.spec, 'controller')) === 'ingress.k8s.aws/alb',
        ),
    );
    if (!defaultClass) {
      f.add(
        'ingress-class-missing',
        ing,
        'spec.ingressClassName',
        'Ingress carries alb.* annotations but names no ingress class, so no controller may reconcile it',
        'set spec.ingressClassName: alb',
      );
    }
  }
}

/** listen-ports, and whether the HTTP listener redirects to HTTPS (ssl-redirect, or the legacy redirect action). */
function checkListeners(alb: AlbIngress, f: Findings): void {
  const ing = alb.obj;
  if (alb.invalidListenPorts !== undefined) {
    f.add(
      'alb-annotation-invalid',
      ing,
      annotationField(`${ALB}listen-ports`),
      `listen-ports '${alb.invalidListenPorts}' is not a JSON list like [{"HTTP": 80}, {"HTTPS": 443}]`,
      `set ${ALB}listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'`,
    );
  }
  const httpsPorts = alb.listeners.filter((l) => l.protocol === 'HTTPS').map((l) => l.port);
  const hasHttp = alb.listeners.some((l) => l.protocol === 'HTTP');
  const action = alb.redirectAction;
  const referenced = alb.redirectBackend;
  if (action && referenced) {
    f.add(
      'ssl-redirect-legacy',
      ing,
      annotationField(`${ALB}actions.ssl-redirect`),
      'uses the v2.0 redirect pattern (actions.ssl-redirect plus a use-annotation backend that must stay the first rule)',
      `remove actions.ssl-redirect and the ssl-redirect backend; set ${ALB}ssl-redirect: '443'`,
    );
  }
  const redirectRaw = alb.sslRedirect;
  if (redirectRaw !== undefined && !httpsPorts.includes(Number(redirectRaw))) {
    f.add(
      'ssl-redirect-port',
      ing,
      annotationField(`${ALB}ssl-redirect`),
      `ssl-redirect '${redirectRaw}' is not an HTTPS listen port (HTTPS ports: ${httpsPorts.join(', ') || 'none'})`,
      `set ${ALB}listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]' and ${ALB}ssl-redirect: '443'`,
    );
  }
  if (hasHttp && alb.redirect === 'none') {
    const why = action
      ? ` (actions.ssl-redirect does nothing: no backend names it with service.name: ssl-redirect and port.name: use-annotation)`
      : referenced
        ? ' (the ssl-redirect use-annotation backend has no actions.ssl-redirect annotation, so the controller answers it with a fixed 503)'
        : '';
    f.add(
      'http-listener-plaintext',
      ing,
      annotationField(`${ALB}listen-ports`),
      `an HTTP listener forwards requests unencrypted instead of redirecting them to HTTPS${why}`,
      `set ${ALB}ssl-redirect: '443' (with an HTTPS 443 listen port)${action || referenced ? ' and remove the actions.ssl-redirect annotation and backend' : ''}`,
    );
  }
}

const CERTIFICATE_FORM =
  'use arn:aws:acm:<region>:<12-digit account>:certificate/<uuid> (or an IAM arn:aws:iam::<account>:server-certificate/<name>)';

/** Certificate ARNs the controller cannot use, and an HTTPS listener with no certificate at all. */
function checkCertificates(alb: AlbIngress, f: Findings): void {
  for (const c of alb.certificates) {
    if (c.region !== undefined) continue;
    if (c.lineSeparated) {
      f.add(
        'certificate-arn-multiline',
        c.obj,
        c.field,
        `certificate-arn separates ARNs by line breaks, not commas: the controller reads '${c.arn.slice(0, 100)}' as one ARN, which matches no certificate`,
        'separate the ARNs with commas (line breaks around the commas are fine)',
      );
    } else {
      f.add(
        'certificate-arn-format',
        c.obj,
        c.field,
        `'${c.arn.slice(0, 100)}' is not an ACM or IAM server certificate ARN`,
        c.from === 'annotation' ? `${CERTIFICATE_FORM}, several separated by commas` : CERTIFICATE_FORM,
      );
    }
  }
  if (alb.certificateFrom === 'none' && alb.listeners.some((l) => l.protocol === 'HTTPS')) {
    f.add(
      'listener-certificate',
      alb.obj,
      annotationField(`${ALB}certificate-arn`),
      'HTTPS listener has no certificate-arn and no host to discover a certificate for',
      `set ${ALB}certificate-arn to the ACM certificate ARN`,
    );
  }
}

/** An ALB can only use ACM certificates of its own region. */
function checkCertificateRegions(albs: readonly AlbIngress[], f: Findings): void {
  const regions = albs.flatMap((a) => a.certificates).filter((c) => c.region);
  const distinct = [...new Set(regions.map((r) => r.region))];
  if (distinct.length > 1) {
    const first = regions[0].region;
    for (const r of regions.filter((x) => x.region !== first)) {
      f.add(
        'certificate-arn-region',
        r.obj,
        r.field,
        `certificate ARNs name several regions (${distinct.join(', ')}); an ALB can only use ACM certificates of its own region`,
        `use certificates issued in the ALB's region (${first}?) for every listener`,
      );
    }
  }
}

function checkSslPolicy(alb: AlbIngress, f: Findings): void {
  const sslPolicy = alb.sslPolicy;
  if (alb.listeners.some((l) => l.protocol === 'HTTPS') && !(sslPolicy ?? '').includes('TLS13')) {
    f.add(
      'ssl-policy',
      alb.obj,
      annotationField(`${ALB}ssl-policy`),
      sslPolicy
        ? `ssl-policy '${sslPolicy}' is not a TLS 1.3 policy`
        : `no ssl-policy: the controller uses ${DEFAULT_SSL_POLICY}, which allows TLS 1.0 and 1.1`,
      `set ${ALB}ssl-policy: ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (or ELBSecurityPolicy-TLS13-1-2-2021-06)`,
    );
  }
}
