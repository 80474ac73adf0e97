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

  // File inputs in the page's language (views/partials/file-picker.ejs): the face shows, the real
  // input lies over it, and the names of the chosen files are written in as they change.
  const separator = document.documentElement.lang === 'ar' ? '، ' : ', ';
  for (const picker of document.querySelectorAll('[data-file-picker]')) {
    const input = picker.querySelector('input[type="file"]');
    const face = picker.querySelector('.file-picker-face');
    const names = picker.querySelector('.file-picker-names');
    if (!(input instanceof HTMLInputElement) || !(face instanceof HTMLElement) || !names) continue;
    const show = () => {
      const chosen = [...(input.files || [])].map((file) => file.name);
      names.textContent = chosen.length ? chosen.join(separator) : names.getAttribute('data-none') || '';
    };
    face.hidden = false;
    picker.classList.add('file-picker-on');
    input.addEventListener('change', show);
    // A page brought back by the browser's Back button may keep the files chosen before.
    show();
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
