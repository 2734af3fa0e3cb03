import { h } from '../dom';
import { t, type Key } from '../i18n';

export function comingNextPage(title: Key): HTMLElement {
  return h('div', { class: 'page' }, h('h1', {}, t(title)), h('p', { class: 'note' }, t('comingNext')));
}
