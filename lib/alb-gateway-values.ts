/*
 * What AlbGateway makes of values, apart from the library's exports: the Helm chart's templates (charts/) repeat
 * these functions and this refusal, and the equivalence tests compare both.
 */

/** The refusal of `wafv2AclArn: none`, after the prop's name (the chart's validate.yaml says the same). */
export const WAF_DETACH_WITH_GATEWAY_API =
  'must be a web ACL ARN with the Gateway API: a LoadBalancerConfiguration cannot detach an ACL, got "none"';

/** `key=value` entries as the controller's `{key, value}` lists. */
export const keyValueList = (entries: readonly string[]) =>
  entries.map((e) => ({ key: e.slice(0, e.indexOf('=')), value: e.slice(e.indexOf('=') + 1) }));
/** `key=value` entries as a map (tags). */
export const keyValueMap = (entries: readonly string[]) =>
  Object.fromEntries(keyValueList(entries).map((e) => [e.key, e.value]));
