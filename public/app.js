// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the error summary so a screen reader announces what went wrong.
  const summary = document.querySelector('[data-error-summary]');
  if (summary instanceof HTMLElement) summary.focus();

  // The receipt's print button (hidden without this script; the browser's own Print still works).
  for (const button of document.querySelectorAll('[data-print]')) {
    if (!(button instanceof HTMLElement)) continue;
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }

  // Conditional questions: hide a field until the answer it depends on matches. Without this
  // script every question shows, and the server ignores the ones whose condition does not hold.
  const form = document.querySelector('form');
  const conditional = [...document.querySelectorAll('[data-show-when]')];
  if (!form || conditional.length === 0) return;
  const valuesOf = (name) =>
    [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)]
      .filter((el) => !((el.type === 'radio' || el.type === 'checkbox') && !el.checked))
      .map((el) => el.value);
  const update = () => {
    for (const field of conditional) {
      if (!(field instanceof HTMLElement)) continue;
      const wanted = (field.dataset.showValues || '').split('|');
      const shown = valuesOf(field.dataset.showWhen || '').some((v) => wanted.includes(v));
      // A field with an error stays visible so the person can see what to correct.
      field.hidden = !shown && !field.querySelector('[aria-invalid="true"]');
    }
  };
  form.addEventListener('change', update);
  update();
});
