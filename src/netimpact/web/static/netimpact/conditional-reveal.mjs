// Conditional reveal for GOV.UK radios, as govuk-frontend's Radios component does it, minus
// aria-expanded: that attribute is not allowed on a radio (ARIA 1.2; govuk-frontend issue #979), axe
// reports it, and every page here must pass axe. The revealed question follows its radio in the page, so
// it is reached next. Without JavaScript every conditional question is shown, as in GOV.UK's pattern.
for (const group of document.querySelectorAll("[data-ni-conditional-radios]")) {
  const inputs = [...group.querySelectorAll("input.govuk-radios__input")];
  const sync = () => {
    for (const input of inputs) {
      const id = input.dataset.ariaControls;
      const target = id && document.getElementById(id);
      if (!target) continue;
      input.setAttribute("aria-controls", id);
      target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  };
  group.addEventListener("change", sync);
  sync();
}
