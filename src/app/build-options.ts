import type { Config } from '../config.ts';
import type { BuildOptions } from '../routing/types.ts';
import { inspectCertificate } from './inspect-certificate.ts';

/** The routing core's options, from the flags. */
export function buildOptionsFrom(config: Config): BuildOptions {
  return Object.freeze({
    controllerClass: config.controllerClass,
    ingressClass: config.ingressClass,
    watchIngressWithoutClass: config.watchIngressWithoutClass,
    defaultBackendService: config.defaultBackendService,
    defaultSslCertificate: config.defaultSslCertificate,
    sslRedirect: config.sslRedirect,
    inspectCertificate,
  });
}
