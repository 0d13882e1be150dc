/**
 * The `istioctl analyze` analyzers that concern an edge and its mesh and have no project rule of their own, with
 * Istio's notion of when each applies (istio/istio pkg/config/analysis/analyzers/, cited per rule in rules.ts).
 * Every check indexes once and looks up; none scans the objects inside a loop.
 */
import { Findings } from './findings';
import { Inventory } from './inventory';
import {
  checkConflictingGateways,
  checkDuplicateCertificates,
  checkGatewayServicePorts,
  checkVirtualServiceGatewayHosts,
} from './istio-analyzers-gateways';
import {
  checkAuthorizationPolicyRefs,
  checkDeprecatedFields,
  checkDestinationRuleCa,
  checkExternalNamePorts,
  checkSidecarSelectors,
} from './istio-analyzers-policies';
import { checkIngressSubsets, checkMeshHostConflicts, checkVirtualServiceMatches } from './istio-analyzers-routes';

export function checkIstioAnalyzers(inv: Inventory, f: Findings): void {
  checkGatewayServicePorts(inv, f);
  checkConflictingGateways(inv, f);
  checkDuplicateCertificates(inv, f);
  checkVirtualServiceGatewayHosts(inv, f);
  checkMeshHostConflicts(inv, f);
  checkVirtualServiceMatches(inv, f);
  checkIngressSubsets(inv, f);
  checkExternalNamePorts(inv, f);
  checkSidecarSelectors(inv, f);
  checkAuthorizationPolicyRefs(inv, f);
  checkDestinationRuleCa(inv, f);
  checkDeprecatedFields(inv, f);
}
