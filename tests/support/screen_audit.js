// Runs in the page (tests/e2e/audit.py): every fact the screen audit checks, in one round trip.
(() => {
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
  };
  const width = window.innerWidth;
  const height = window.innerHeight;
  // Inside a scroll container that itself fits (a staff data table scrolling sideways, WCAG 1.4.10's
  // exception for data tables), an element may extend past the edge.
  const inFittingScroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return a.getBoundingClientRect().right <= width + 1;
    }
    return false;
  };
  // A full-screen dialog (language chooser, idle countdown) is the screen while it is open.
  const root = document.querySelector('#language-chooser, #idle-dialog') || document.body;
  const overflowing = [];
  for (const el of root.querySelectorAll('h1, h2, p, li, dd, dt, td, th, label, button, input, output, figure, svg, .reception-number')) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if ((box.right > width + 1 || box.left < -1) && !inFittingScroller(el)) overflowing.push(`${el.tagName.toLowerCase()}#${el.id || ''}.${el.className && el.className.baseVal === undefined ? el.className : ''} right=${Math.round(box.right)}`);
  }
  const small = [];
  for (const el of root.querySelectorAll('button, input:not([type=hidden]), a[href], [role=radio]')) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 44 || box.height < 44) small.push(`${(el.innerText || el.id || el.tagName).trim().slice(0, 20)} ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  // The staff console scrolls like any desktop page: its primary control is the current tab.
  const selector = document.body.classList.contains('staff')
    ? '#tabs .tab[aria-current=page]'
    : '#idle-dialog .button.primary, .action-bar .action-next, #screen .button.primary, #screen .button.big, #screen .choice, #screen .choice-button, #screen .pin-key, #language-chooser .language';
  const primaries = [...root.querySelectorAll(selector)].filter(visible);
  const primary = primaries[0];
  const primaryBox = primary ? primary.getBoundingClientRect() : null;
  const bars = primaries.filter((el) => el.matches('.action-bar .action-next, .button.big, .choice, #language-chooser .language'))
    .map((el) => ({ text: el.innerText.trim().slice(0, 20), height: el.getBoundingClientRect().height }));
  // Controls lying on top of each other (one would take the other's taps): within the action bar, and
  // within the content (content scrolling under the fixed bar is not an overlap).
  const overlapping = [];
  const groups = [
    [...root.querySelectorAll('.action-bar .button')],
    [...root.querySelectorAll('#screen .content .button, #screen .content .choice-button')],
  ];
  for (const group of groups) {
    const controls = group.filter(visible);
    for (let i = 0; i < controls.length; i++) {
      const a = controls[i].getBoundingClientRect();
      for (let j = i + 1; j < controls.length; j++) {
        const b = controls[j].getBoundingClientRect();
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 2 && y > 2) overlapping.push(`${controls[i].id || controls[i].innerText.trim().slice(0, 12)} / ${controls[j].id || controls[j].innerText.trim().slice(0, 12)}`);
      }
    }
  }
  return {
    overlapping,
    text: root.innerText + '\n' + (root === document.body ? '' : document.body.innerText),
    scrollWidth: document.documentElement.scrollWidth,
    width, height, overflowing, small, bars,
    primary: primary ? { text: primary.innerText.trim().slice(0, 30), top: primaryBox.top, bottom: primaryBox.bottom } : null,
    staff: document.body.classList.contains('staff'),
  };
})
