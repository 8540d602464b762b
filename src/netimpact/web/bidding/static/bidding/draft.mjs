// Enhances a bid's pages; they work without it (every page has its own Save buttons).
// - form[data-autosave]: saves the draft by itself a moment after typing stops, says "Saved at HH:MM".
// - form[data-autosave] and form[data-warn-unsaved]: warn before leaving with unsaved changes.
// The server keeps the rules: it refuses a save after the deadline, and refuses one made from a page
// older than the latest save (another tab), answering with JSON that this script shows.

const AUTOSAVE_DELAY_MS = 2000;
const forms = [...document.querySelectorAll("form[data-autosave], form[data-warn-unsaved]")];
let unsaved = 0; // forms with changes not yet saved

for (const form of forms) {
  let changes = 0; // a counter, so typing during a save keeps the form unsaved
  let saved = 0;
  let timer = null;
  const dirty = () => changes !== saved;
  const autosave = form.hasAttribute("data-autosave");
  const status = form.querySelector("#autosave-status");
  const version = form.querySelector("input[name=version]");

  const changed = () => {
    if (!dirty()) unsaved += 1;
    changes += 1;
    if (autosave) {
      clearTimeout(timer);
      timer = setTimeout(save, AUTOSAVE_DELAY_MS);
    }
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    if (dirty()) unsaved -= 1;
    saved = changes; // the page is being saved by the form itself
  });

  async function save() {
    if (!dirty()) return;
    const upTo = changes;
    const data = new FormData(form);
    data.set("action", "autosave");
    let answer;
    try {
      // getAttribute: form.action would be the buttons named "action", not the form's address.
      const response = await fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": data.get("csrfmiddlewaretoken"),
          "X-Netimpact-Autosave": "1",
        },
      });
      answer = await response.json();
    } catch {
      say("Not saved automatically: the service did not answer. Use Save as draft.");
      return;
    }
    if (answer.saved) {
      if (version) version.value = answer.version;
      if (upTo === changes) unsaved -= 1;
      saved = upTo;
      say(`Saved at ${answer.saved_at}.`);
    } else {
      say(answer.message);
    }
  }

  function say(text) {
    if (status) status.textContent = text;
  }
}

window.addEventListener("beforeunload", (event) => {
  if (unsaved > 0) {
    event.preventDefault();
    event.returnValue = ""; // older browsers need it to show their "leave site?" dialog
  }
});
