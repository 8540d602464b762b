// Enhances the decision report's network: one drawing with a Before/After toggle in place of the two
// static images, each organisation reachable with the keyboard (Tab) and showing its ties in words when
// focused or pressed. The table under the drawing stays the full, accessible record of every change.
const SVG = "http://www.w3.org/2000/svg";
const COLOURS = { before: "#505a5f", after: "#1d70b8", distress: "#d4351c", ink: "#0b0c0c" };

const root = document.querySelector('[data-module="ni-network"]');
const source = document.getElementById("network-data");

const el = (name, attributes = {}, parent = null) => {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
};

const html = (name, attributes = {}, text = "") => {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
};

const shortName = (name) => (name.length <= 26 ? name : `${name.slice(0, 25).trimEnd()}…`);

if (root && source) {
  const data = JSON.parse(source.textContent);
  const nodes = new Map(data.nodes.map((n) => [n.id, n]));
  let state = "after";
  let selected = null;

  const wrapper = html("div", { class: "ni-network-interactive" });
  const toggle = html("div", { class: "ni-network-toggle", role: "group", "aria-label": "Show the network" });
  const buttons = ["before", "after"].map((s) => {
    const button = html("button", { type: "button", class: "govuk-button govuk-button--secondary ni-network-toggle__button", "data-state": s, "aria-pressed": String(s === state) }, s === "before" ? "Before the award" : "After the award");
    toggle.appendChild(button);
    return button;
  });
  const help = html("p", { class: "govuk-body-s", id: "network-help" }, "Press Tab to move from one organisation to the next; each shows its ties below the drawing. The table lists every change.");
  const svg = el("svg", { class: "ni-chart ni-network ni-network--interactive", viewBox: `0 0 ${data.width} ${data.height}`, width: "100%", role: "group", "aria-labelledby": "network-svg-title", "aria-describedby": "network-help" });
  const title = el("title", { id: "network-svg-title" }, svg);
  const edges = el("g", { "aria-hidden": "true" }, svg);
  const layer = el("g", {}, svg);
  const details = html("div", { class: "ni-network-details govuk-body", id: "network-details", "aria-live": "polite" });

  const nodeViews = new Map();
  for (const node of data.nodes) {
    const g = el("g", { class: "ni-node", tabindex: "0", role: "button", "data-organisation": node.id }, layer);
    el("circle", { class: "ni-node__focus", cx: node.x, cy: node.y, r: 15 }, g);
    const dot = el("circle", { class: "ni-node__dot", cx: node.x, cy: node.y, r: 9, stroke: COLOURS.ink, "stroke-width": 2 }, g);
    const label = el("text", { x: node.x, y: node.y - 14, "text-anchor": "middle", "font-size": 13, "font-family": "arial, sans-serif", fill: COLOURS.ink }, g);
    g.addEventListener("focus", () => select(node.id));
    g.addEventListener("click", () => select(node.id));
    g.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(node.id);
      }
    });
    nodeViews.set(node.id, { g, dot, label });
  }

  const tiesNow = () => data.ties.filter((t) => t.state === state);

  const draw = () => {
    title.textContent = state === "before" ? "The network before the award" : "The network after the award";
    edges.replaceChildren();
    for (const tie of tiesNow()) {
      const a = nodes.get(tie.source);
      const b = nodes.get(tie.target);
      const touches = selected && (tie.source === selected || tie.target === selected);
      el("line", {
        x1: a.x, y1: a.y, x2: b.x, y2: b.y,
        stroke: tie.kind === "distress" ? COLOURS.distress : COLOURS[state],
        "stroke-width": touches ? 5 : 2.5,
        "stroke-opacity": selected && !touches ? 0.3 : 1,
        ...(tie.kind === "distress" ? { "stroke-dasharray": "6 4" } : {}),
      }, edges);
    }
    for (const node of data.nodes) {
      const view = nodeViews.get(node.id);
      const risky = state === "after" && node.atRisk;
      view.dot.setAttribute("fill", risky ? COLOURS.distress : "#ffffff");
      view.label.textContent = shortName(node.name) + (risky ? " (at risk)" : "");
      const ties = node.summary[state];
      view.g.setAttribute("aria-label", `${node.name}${risky ? ", at risk" : ""}: ${ties.length} tie${ties.length === 1 ? "" : "s"} ${state} the award`);
    }
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.state === state));
  };

  const select = (id) => {
    selected = id;
    const node = nodes.get(id);
    const ties = node.summary[state];
    details.replaceChildren(
      html("h3", { class: "govuk-heading-s" }, `${node.name}, ${state} the award`),
      ties.length
        ? (() => {
            const list = html("ul", { class: "govuk-list govuk-list--bullet" });
            for (const tie of ties) list.appendChild(html("li", {}, tie));
            return list;
          })()
        : html("p", { class: "govuk-body" }, `No ties ${state} the award in this drawing.`),
      ...(node.summary.why && state === "after" ? [html("p", { class: "govuk-body-s" }, node.summary.why)] : []),
    );
    for (const row of document.querySelectorAll("#network-table tbody tr")) {
      row.classList.toggle("ni-network-row--selected", row.dataset.organisation === id);
    }
    draw();
  };

  for (const button of buttons) {
    button.addEventListener("click", () => {
      state = button.dataset.state;
      draw();
      if (selected) select(selected);
      else details.replaceChildren(html("p", { class: "govuk-body" }, `Showing the network ${state} the award: ${tiesNow().length} ties.`));
    });
  }

  details.appendChild(html("p", { class: "govuk-body" }, "Select an organisation in the drawing to see its ties here."));
  wrapper.append(toggle, help, svg, details);
  const staticViews = root.querySelector(".ni-network-static");
  staticViews.hidden = true; // the drawing above replaces the two images; the table stays
  root.appendChild(wrapper);
  draw();
}
