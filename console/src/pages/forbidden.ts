import { roleList, signedIn } from '../access';
import { h } from '../dom';
import { t } from '../i18n';
import type { PageRoute } from '../layout';

/** A page reached by its URL that the person's roles cannot open: said plainly, not as an error. */
export function forbiddenPage(route: PageRoute): HTMLElement {
  return h(
    'div',
    { class: 'page forbidden', 'data-forbidden': route.path || 'dashboard' },
    h('h1', {}, t('forbiddenTitle')),
    h('p', {}, t('forbiddenText', { page: t(route.key), roles: roleList(signedIn()?.roles ?? []) })),
  );
}
