/** A route from the gateway: requests whose path starts with `pathPrefix` go to `service:port`. */
export interface EdgeRoute {
  /** Path prefix to match. */
  readonly pathPrefix: string;
  /** Destination Service name. */
  readonly service: string;
  /** Destination Service port. */
  readonly port: number;
  /** Namespace of the Service. @default - the IstioEdge namespace */
  readonly namespace?: string;
}
