import type { RE2JS } from 're2js';
import type { PathRewrite } from '../../routing/policy-types.ts';
import { compileRoutePattern } from '../../routing/regex-path.ts';
import { CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

const CAPTURE = /\$([1-9])/g;

/**
 * rewrite-target, after ingress-nginx's `rewrite "(?i)<path>" <target> break;` (template.go) and
 * test/e2e/annotations/rewrite.go: the route's path regex (RE2, linear-time) is matched against the
 * request path and `$1`..`$9` in the target take its captures (an unmatched group is empty). nginx keeps
 * the query: appended with "?" (or "&" when the target has a query of its own).
 */
export class RewriteStep implements RequestStep {
  readonly name = 'rewrite';
  readonly pattern: RE2JS;
  /** The target split at its captures: text, group, text, group, ..., text. */
  readonly parts: readonly (string | number)[];
  readonly targetHasQuery: boolean;

  constructor(rewrite: PathRewrite, routePath: string) {
    this.pattern = compileRoutePattern(routePath);
    const parts: (string | number)[] = [];
    let last = 0;
    for (const found of rewrite.target.matchAll(CAPTURE)) {
      parts.push(rewrite.target.slice(last, found.index), Number(found[1]));
      last = found.index + found[0].length;
    }
    parts.push(rewrite.target.slice(last));
    this.parts = Object.freeze(parts);
    this.targetHasQuery = rewrite.target.includes('?');
  }

  apply(exchange: StepExchange): StepOutcome {
    const groups = this.pattern.exec(exchange.path);
    let path = '';
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i];
      path += typeof part === 'string' ? part : groups === null ? '' : (groups[part] ?? '');
    }
    if (!path.startsWith('/')) path = '/' + path;
    const query = exchange.query;
    exchange.setUpstreamPath(query === '' ? path : this.targetHasQuery ? path + '&' + query.slice(1) : path + query);
    return CONTINUE;
  }
}
