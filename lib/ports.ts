/**
 * The ports and endpoints of the edge, defined once: the constructs, the Argo CD values of Istio's gateway chart,
 * the Helm chart's notes and the checker all read them from here.
 */

/** The well-known HTTP port: the ALB's redirecting listener, and egress hosts' plain port. */
export const HTTP_PORT = 80;
/** The well-known HTTPS port: the ALB's TLS listener and its redirect target, and egress hosts' TLS port. */
export const HTTPS_PORT = 443;

/** The gateway Service's TLS port (and its Gateway server's): the ALB Ingress backend port. */
export const GATEWAY_HTTPS_PORT = HTTPS_PORT;
/** Istio's status port: the gateway's readiness endpoint, which the ALB health check probes in plain HTTP. */
export const GATEWAY_STATUS_PORT = 15021;
/** The name of the status port on the gateway Service, which the health check names (a NodePort differs per Service). */
export const GATEWAY_STATUS_PORT_NAME = 'status-port';
/** The gateway's readiness path on its status port. */
export const GATEWAY_HEALTH_PATH = '/healthz/ready';
