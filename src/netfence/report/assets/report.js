/* netfence HTML report: renders the embedded data; loads nothing from the network. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("netfence-data").textContent);
  /* An aggregated page carries its edges as columns: one object per edge from here on. */
  if (data.aggregation) data.edges = expandEdges(data.edges, data.nodes);

  function expandEdges(columns, nodes) {
    return columns.source.map((source, k) => ({
      source: nodes[source].id, target: nodes[columns.target[k]].id,
      ports: columns.labels[columns.ports[k]], pairs: columns.pairs[k], of: columns.of[k],
    }));
  }
  const PALETTE = ["#2563eb", "#0d9488", "#c026d3", "#ea580c", "#4f46e5", "#16a34a",
    "#db2777", "#0891b2", "#ca8a04", "#7c3aed", "#dc2626", "#475569"];
  const EXTERNAL_GROUP = "group:external";
  const EDGE_LABEL_LIMIT = 30; /* beyond this, ports show on highlighted edges only */
  const COLOURS = { allow: "#16a34a", open: "#d97706", to: "#2563eb", from: "#9333ea" };
  const EDGE_FONT = 11; /* on-screen size of edge labels at any zoom up to 2x smaller */
  /* A big cluster's pods are drawn as workloads or namespaces (data.aggregation says which). */
  const grouped = data.aggregation || null;
  const byNamespace = Boolean(grouped && grouped.level === "namespace");
  const MEMBERS_SHOWN = 50; /* a group's details list this many of its pods */
  /* Beyond this many edges, an aggregated graph draws a selection's edges only (every edge
     on request up to DRAW_ALL), and lays the nodes out without them. */
  const QUIET_EDGES = 400;
  const DRAW_ALL = 5000;
  const quiet = Boolean(grouped) && data.edges.length > QUIET_EDGES;
  let everyEdge = !quiet;

  /* A DOM element with text content (never HTML) and children. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  const nodesById = new Map(data.nodes.map((n) => [n.id, n]));
  const colourOf = new Map(data.namespaces.map((ns, i) => [ns.name, PALETTE[i % PALETTE.length]]));

  /* Workloads by id, external ranges by their short label. */
  function displayName(id) {
    const node = nodesById.get(id);
    return node && node.external ? node.label : id;
  }

  function isolation(node) {
    if (node.external) return "external";
    if (node.stand_in) return "helper";
    if (node.isolation) {
      const counts = node.isolation;
      if (counts.isolated === node.members.length) return "iso";
      return counts.unprotected === node.members.length ? "open" : "part";
    }
    const ways = Number(node.ingress_isolated) + Number(node.egress_isolated);
    return ["open", "part", "iso"][ways];
  }

  /* ---------- summary ---------- */
  function renderSummary() {
    const s = data.summary;
    document.getElementById("inputs").textContent = data.meta.inputs;
    document.getElementById("inputs").title = data.meta.inputs;
    const cards = [
      ["Namespaces", s.namespaces, ""],
      [grouped ? "Pods" : "Workloads", s.endpoints, ""],
      ["Policies", s.policies, ""],
      ["Allowed flows", s.flows, ""],
      ["Fully isolated", s.isolated, s.isolated === s.endpoints ? "ok" : ""],
      ["One way only", s.partly_isolated, s.partly_isolated ? "warn" : "ok"],
      ["Unprotected", s.unprotected, s.unprotected ? "bad" : "ok"],
      ["Lint errors", s.findings.error, s.findings.error ? "bad" : "ok"],
      ["Lint warnings", s.findings.warning, s.findings.warning ? "warn" : "ok"],
      ["Lint info", s.findings.info, ""],
    ];
    if (s.not_evaluated) cards.push(["Not evaluated", s.not_evaluated, "warn"]);
    if (grouped) cards.push([byNamespace ? "Drawn namespaces" : "Drawn workloads", grouped.groups, ""]);
    const box = document.getElementById("cards");
    for (const [label, value, tone] of cards) {
      box.append(el("div", { class: "card " + tone, "data-metric": label },
        el("div", { class: "value", text: String(value) }),
        el("div", { class: "label", text: label })));
    }
    renderNotEvaluated();
    renderAggregation();
    document.getElementById("footer").textContent =
      `netfence ${data.meta.version} · ipBlock on pod IPs: ${data.meta.ipblock_pods} · ` +
      `${s.externals} external range(s) with flows, ${s.externals_unreached} without`;
  }

  /* Objects of policy-like kinds the engine ignores: said at the top, never hidden. */
  function renderNotEvaluated() {
    if (!data.not_evaluated.length) return;
    const items = data.not_evaluated.map((k) => el("li", {},
      el("strong", { text: `${k.count} ${k.kind}` }),
      el("span", { class: "mono", text: " " + k.objects.join(", ") })));
    document.getElementById("not-evaluated").append(el("div", { class: "notice", role: "note" },
      el("strong", { text: "Not evaluated: " }),
      el("span", { text: "these objects can allow or deny traffic, but every verdict in this report ignores them." }),
      el("ul", {}, ...items)));
  }

  /* What a big cluster's page aggregated, and where the pod-level detail is. */
  function renderAggregation() {
    if (!grouped) return;
    const unit = byNamespace ? "namespaces" : "workloads";
    const why = grouped.chosen ? "as asked (--group)"
      : `more than ${grouped.limit} pods` + (byNamespace ? ` and ${grouped.workloads} workloads` : "") +
        " would not stay readable or responsive drawn one by one";
    const items = [
      el("li", { text: `Each of the ${grouped.pods} pods is drawn as its ${unit.slice(0, -1)} (${grouped.groups} ${unit}): ${why}.` }),
      el("li", { text: `An arrow (and a matrix cell) from one ${unit.slice(0, -1)} to another: some pod of the first may connect to some pod of the second. Its ports are every port some of those pod pairs are allowed on; "n of m pod pairs" says how many pairs are allowed on some port.` }),
      el("li", { text: "The summary counts, lint findings and policies are per pod and per policy, as on a small cluster's page." }),
    ];
    if (grouped.tiers_omitted) items.push(el("li", { text: "Which tier (Admin, Baseline) decides an edge is shown in the pod-level view only." }));
    items.push(el("li", {}, el("span", { text: "Pod-level detail (INPUT: this report's inputs): " }),
      ...grouped.detail.map((command) => el("code", { class: "mono command", text: command }))));
    document.getElementById("aggregated").append(el("div", { class: "notice info", role: "note" },
      el("strong", { text: `Aggregated by ${unit.slice(0, -1)}: ` }),
      el("span", { text: `${grouped.pods} pods drawn as ${grouped.groups} ${unit}.` }),
      el("ul", {}, ...items)));
  }

  /* Edge text: its ports, and for a group edge how many of its pod pairs are allowed. */
  function edgeText(e) {
    const tier = e.tier ? " [" + e.tier + " tier]" : "";
    const pairs = e.of === undefined || e.pairs === e.of ? "" : ` (${e.pairs} of ${e.of} pod pairs)`;
    return e.ports + tier + pairs;
  }

  /* A seeded random source, so that the same input always gives the same picture. */
  function seeded(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function hash(text) {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return h >>> 0;
  }

  /* ---------- graph ---------- */
  function graphElements() {
    const elements = [];
    for (const ns of byNamespace ? [] : data.namespaces) {
      if (data.nodes.some((n) => n.namespace === ns.name)) {
        elements.push({ group: "nodes", data: { id: "ns:" + ns.name, label: ns.name, colour: colourOf.get(ns.name) }, classes: "namespace" });
      }
    }
    if (data.nodes.some((n) => n.external)) {
      elements.push({ group: "nodes", data: { id: EXTERNAL_GROUP, label: "outside the cluster" }, classes: "namespace external-group" });
    }
    for (const n of data.nodes) {
      elements.push({
        group: "nodes",
        data: {
          id: n.id, label: n.label,
          parent: n.external ? EXTERNAL_GROUP : byNamespace ? undefined : "ns:" + n.namespace,
          colour: n.external ? "#64748b" : colourOf.get(n.namespace),
        },
        classes: "workload " + isolation(n),
      });
    }
    if (!quiet) data.edges.forEach((e, i) => elements.push(edgeElement(e, i)));
    return elements;
  }

  function edgeElement(e, i) {
    const labelled = data.edges.length <= EDGE_LABEL_LIMIT;
    const helper = (id) => Boolean((nodesById.get(id) || {}).stand_in);
    /* A stand-in's own unpoliced traffic is drawn lightly and labelled on click only. */
    const aside = helper(e.source) || (helper(e.target) && e.ports === "all");
    return {
      group: "edges", data: { id: "e" + i, source: e.source, target: e.target, label: edgeText(e) },
      classes: (e.ports === "all" ? "wide-open" : "") + (aside ? " helper-edge" : labelled ? " labelled" : ""),
    };
  }

  /* Positions in data.edges of each node's edges, out and in (for a quiet graph). */
  const edgesOf = new Map();
  data.edges.forEach((e, i) => {
    for (const id of new Set([e.source, e.target])) {
      if (!edgesOf.has(id)) edgesOf.set(id, []);
      edgesOf.get(id).push(i);
    }
  });

  /* A quiet graph draws the edges of the nodes ``ids`` only. */
  function drawEdgesOf(ids) {
    if (everyEdge) return;
    cy.edges().remove();
    const wanted = new Set(ids.flatMap((id) => edgesOf.get(id) || []));
    cy.add([...wanted].map((i) => edgeElement(data.edges[i], i)));
  }

  const STYLE = [
    { selector: "node.namespace", style: {
      "background-color": "data(colour)", "background-opacity": 0.06, "border-color": "data(colour)",
      "border-width": 1.5, "border-opacity": 0.6, shape: "round-rectangle", label: "data(label)",
      "text-valign": "top", "text-halign": "center", "font-size": 13, "font-weight": 600,
      color: "data(colour)", "text-margin-y": -4, padding: 18 } },
    { selector: "node.external-group", style: {
      "background-color": "#94a3b8", "border-color": "#64748b", color: "#475569", "border-style": "dashed" } },
    { selector: "node.workload", style: {
      shape: "round-rectangle", width: (node) => 7 * node.data("label").length + 14, height: 26,
      label: "data(label)",
      "font-size": 11.5, "text-valign": "center", "text-halign": "center", color: "#0f172a",
      "background-color": "#ffffff", "border-width": 2.5, "border-color": "data(colour)" } },
    { selector: "node.workload.iso", style: { "underlay-color": "#15803d", "underlay-padding": 3, "underlay-opacity": 0.25, "underlay-shape": "round-rectangle" } },
    { selector: "node.workload.part", style: { "underlay-color": "#d97706", "underlay-padding": 3, "underlay-opacity": 0.35, "underlay-shape": "round-rectangle" } },
    { selector: "node.workload.open", style: { "border-style": "dashed", "underlay-color": "#dc2626", "underlay-padding": 3, "underlay-opacity": 0.3, "underlay-shape": "round-rectangle" } },
    { selector: "node.workload.helper", style: { "border-style": "dotted", "border-color": "#94a3b8", "background-color": "#f8fafc", color: "#64748b" } },
    { selector: "node.workload.external", style: {
      shape: "hexagon", "background-color": "#e2e8f0", "border-color": "#64748b", height: 30,
      width: (node) => 7 * node.data("label").length + 44 } },
    { selector: "edge", style: {
      width: 1.8, "line-color": COLOURS.allow, "line-opacity": 0.7, "target-arrow-color": COLOURS.allow,
      "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 1, "font-size": EDGE_FONT,
      color: "#1f2933", "text-background-color": "#ffffff", "text-background-opacity": 0.92,
      "text-background-padding": 2, "text-background-shape": "round-rectangle", "text-rotation": "autorotate" } },
    { selector: "edge.wide-open", style: { "line-color": COLOURS.open, "target-arrow-color": COLOURS.open, "line-style": "dashed" } },
    { selector: "edge.helper-edge", style: { width: 1, "line-opacity": 0.3, "arrow-scale": 0.7 } },
    { selector: "edge.labelled, edge.out-edge, edge.in-edge", style: { label: "data(label)" } },
    { selector: ".faded", style: { opacity: 0.12 } },
    { selector: "node.selected-node", style: { "border-width": 4, "border-color": "#0f172a", "background-color": "#fef9c3" } },
    { selector: "node.reach-to", style: { "background-color": "#dbeafe", "border-color": "#2563eb", "border-width": 3 } },
    { selector: "node.reach-from", style: { "background-color": "#f3e8ff", "border-color": "#9333ea", "border-width": 3 } },
    { selector: "node.reach-to.reach-from", style: { "background-color": "#e0e7ff" } },
    { selector: "edge.out-edge", style: { "line-color": "#2563eb", "target-arrow-color": "#2563eb", width: 2.6, "z-index": 10 } },
    { selector: "edge.in-edge", style: { "line-color": "#9333ea", "target-arrow-color": "#9333ea", width: 2.6, "z-index": 10 } },
    { selector: ".filtered-out", style: { display: "none" } },
  ];

  let cy = null;

  function clearHighlight() {
    cy.elements().removeClass("faded selected-node reach-to reach-from out-edge in-edge");
    document.getElementById("details").replaceChildren(
      el("p", { class: "muted", text: "Select a workload or an external range." }));
  }

  /* Highlight what the selection can reach (blue) and what can reach it (purple). */
  function highlight(ids) {
    drawEdgesOf(ids);
    clearHighlight();
    const chosen = cy.collection(ids.map((id) => cy.getElementById(id)));
    /* A group's edge to itself (pods of one workload or namespace) is one of what it reaches. */
    const out = chosen.outgoers("edge").filter((e) => !chosen.contains(e.target()) || (grouped && e.isLoop()));
    const inc = chosen.incomers("edge").filter((e) => !chosen.contains(e.source()));
    cy.elements().addClass("faded");
    chosen.removeClass("faded").addClass("selected-node");
    chosen.parents().removeClass("faded");
    out.removeClass("faded").addClass("out-edge");
    inc.removeClass("faded").addClass("in-edge");
    out.targets().removeClass("faded").addClass("reach-to").parents().removeClass("faded");
    inc.sources().removeClass("faded").addClass("reach-from").parents().removeClass("faded");
    showDetails(ids, out, inc);
  }

  function peerList(title, edges, end, cls) {
    const items = edges.map((e) => el("li", {},
      el("span", { class: "mono", title: e[end]().id(), text: displayName(e[end]().id()) }),
      el("span", { class: "ports", text: e.data("label") })));
    return el("div", { class: cls },
      el("h3", { text: `${title} (${items.length})` }),
      items.length ? el("ul", {}, ...items) : el("p", { class: "muted", text: "nothing" }));
  }

  /* A group's pods (how many are isolated, and their names) or ranges, the first MEMBERS_SHOWN. */
  function memberList(node) {
    const c = node.isolation;
    if (!c) {
      return el("div", { class: "members" }, el("h3", { text: `Ranges (${node.members.length})` }),
        el("ul", {}, ...node.members.map((name) => el("li", { class: "mono", text: name }))));
    }
    const names = node.members.slice(0, MEMBERS_SHOWN).map((name) => el("li", { class: "mono", text: name }));
    const more = node.members.length - names.length;
    return el("div", { class: "members" },
      el("h3", { text: `Pods (${node.members.length})` }),
      el("p", { class: "muted", text: `${c.isolated} isolated both ways, ${c.partly_isolated} one way, ${c.unprotected} unprotected` }),
      el("ul", {}, ...names, more > 0 ? el("li", { class: "muted", text: `and ${more} more` }) : null));
  }

  function showDetails(ids, out, inc) {
    const panel = document.getElementById("details");
    const node = ids.length === 1 ? nodesById.get(ids[0]) : null;
    const head = [];
    if (node) {
      head.push(el("h4", { class: "mono", text: node.id }));
      head.push(el("p", { class: "muted", text: node.external ? "external range" : node.kind }));
      if (node.external) {
        if (node.origin) head.push(el("p", { text: "made by " + node.origin }));
        head.push(el("p", { class: "mono", text: node.name }));
        if (node.members) head.push(memberList(node));
      } else {
        head.push(el("div", {},
          el("span", { class: "pill " + (node.ingress_isolated ? "ok" : "bad"), text: node.ingress_isolated ? "ingress isolated" : "ingress open" }),
          el("span", { class: "pill " + (node.egress_isolated ? "ok" : "bad"), text: node.egress_isolated ? "egress isolated" : "egress open" })));
        head.push(el("div", {}, ...Object.entries(node.labels).map(([k, v]) => el("span", { class: "pill label mono", text: `${k}=${v}` }))));
        if (node.members) head.push(memberList(node));
      }
    } else {
      head.push(el("h4", { text: "namespace " + ids.map((id) => nodesById.get(id).namespace || "outside")[0] }));
    }
    panel.replaceChildren(...head,
      peerList("Can reach", out.toArray(), "target", "to"),
      peerList("Reached by", inc.toArray(), "source", "from"));
  }

  function select(id) {
    const target = cy.getElementById(id);
    if (target.empty()) return;
    const ids = target.isParent() ? target.children().map((n) => n.id()) : [id];
    highlight(ids);
  }

  function renderFilter() {
    const box = document.getElementById("ns-filter");
    const groups = data.namespaces.filter((ns) => data.nodes.some((n) => n.namespace === ns.name))
      .map((ns) => [ns.name, byNamespace ? ns.name : "ns:" + ns.name, colourOf.get(ns.name)]);
    if (data.nodes.some((n) => n.external)) groups.push(["outside the cluster", EXTERNAL_GROUP, "#64748b"]);
    for (const [name, groupId, colour] of groups) {
      const box_ = el("input", { type: "checkbox", "data-namespace": name });
      box_.checked = true;
      box_.addEventListener("change", () => {
        const group = cy.getElementById(groupId);
        group.union(group.children()).toggleClass("filtered-out", !box_.checked);
      });
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = colour;
      box.append(el("label", {}, box_, swatch, el("span", { text: name })));
    }
    if (quiet && data.edges.length <= DRAW_ALL) box.prepend(quietToggle());
    document.getElementById("legend").append(
      el("h3", { text: "Legend" }),
      el("div", {}, el("span", { class: "box iso" }), el("span", { text: "isolated both ways" })),
      el("div", {}, el("span", { class: "box part" }), el("span", { text: grouped ? "partly isolated (some pods, or one way)" : "isolated one way" })),
      el("div", {}, el("span", { class: "box open" }), el("span", { text: "unprotected" })),
      el("div", {}, el("span", { class: "box ext" }), el("span", { text: "external range" })),
      data.summary.stand_ins ? el("div", {}, el("span", { class: "box helper" }), el("span", { text: "netfence stand-in (not counted)" })) : "",
      el("div", {}, el("span", { class: "line allow-line" }), el("span", { text: "allowed (ports)" })),
      el("div", {}, el("span", { class: "line open-line" }), el("span", { text: "all ports allowed" })),
      el("div", {}, el("span", { class: "line to-line" }), el("span", { text: "can reach" })),
      el("div", {}, el("span", { class: "line from-line" }), el("span", { text: "reached by" })));
    document.querySelector(".legend .allow-line").style.borderColor = COLOURS.allow;
    document.querySelector(".legend .open-line").style.borderColor = COLOURS.open;
    document.querySelector(".legend .open-line").style.borderTopStyle = "dashed";
    document.querySelector(".legend .to-line").style.borderColor = COLOURS.to;
    document.querySelector(".legend .from-line").style.borderColor = COLOURS.from;
  }

  /* With many edges, a checkbox draws them all (they are otherwise drawn for a selection). */
  function quietToggle() {
    const input = el("input", { type: "checkbox", id: "every-edge" });
    input.addEventListener("change", () => {
      everyEdge = false;
      cy.edges().remove();
      if (input.checked) cy.add(data.edges.map((e, i) => edgeElement(e, i)));
      everyEdge = input.checked;
      clearHighlight();
    });
    return el("label", { class: "every-edge-toggle" }, input,
      el("span", { text: `draw all ${data.edges.length} edges (else a selection's)` }));
  }

  /* fCoSE draws from Math.random: seeded by the data, the same input gives the same layout. */
  function runLayout(elements) {
    const random = Math.random;
    Math.random = seeded(hash(JSON.stringify(elements.map((e) => e.data.id))));
    try {
      cy.layout({
        name: "fcose", quality: grouped ? "default" : "proof", randomize: true, animate: false, nodeDimensionsIncludeLabels: true,
        idealEdgeLength: 150, nodeRepulsion: 25000, nodeSeparation: 90, nestingFactor: 0.3,
        gravity: 0.15, gravityCompound: 1.5, numIter: grouped ? 1500 : 4000, packComponents: true,
        tilingPaddingVertical: 24, tilingPaddingHorizontal: 24, padding: 24,
      }).run();
    } finally {
      Math.random = random;
    }
  }

  /* Edge labels keep a readable on-screen size when the graph is zoomed out to fit. */
  function scaleLabels() {
    const size = EDGE_FONT / Math.max(0.5, Math.min(1, cy.zoom()));
    cy.style().selector("edge").style("font-size", size).update();
  }

  function fit() {
    cy.resize();
    cy.fit(undefined, 24);
    scaleLabels();
  }

  function renderGraph() {
    cytoscape.use(cytoscapeFcose);
    const elements = graphElements();
    cy = cytoscape({
      container: document.getElementById("cy"),
      elements,
      style: STYLE,
      minZoom: 0.2,
      maxZoom: 3,
      layout: { name: "preset" },
    });
    runLayout(elements);
    fit();
    cy.on("zoom", scaleLabels);
    cy.on("tap", "node", (event) => select(event.target.id()));
    cy.on("tap", (event) => { if (event.target === cy) { drawEdgesOf([]); clearHighlight(); } });
    let pending = null;
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(fit, 120);
    });
    /* Printing: every policy open, the graph fitted to the paper's width. */
    window.addEventListener("beforeprint", () => {
      document.querySelectorAll("details.policy").forEach((d) => { d.open = true; });
      fit();
    });
    window.addEventListener("afterprint", fit);
    renderFilter();
  }

  /* ---------- matrix ---------- */
  /* Beyond this many nodes the matrix shows the first MATRIX_WINDOW sources and destinations
     that match the filters, rebuilt as they change. */
  const MATRIX_WINDOW = 100;

  function renderMatrix() {
    const table = document.getElementById("matrix-table");
    const nodes = data.nodes;
    if (!nodes.length) {
      table.replaceWith(el("div", { class: "empty", text: "No workloads in the input: nothing to connect." }));
      return;
    }
    const edges = new Map(data.edges.map((e) => [e.source + "\u0000" + e.target, e]));
    const windowed = Boolean(grouped) && nodes.length > MATRIX_WINDOW;
    function cell(src, dst) {
      const edge = edges.get(src.id + "\u0000" + dst.id);
      if (src.id === dst.id && !edge) return el("td", { class: "self", "data-dst": dst.id, text: "—" });
      const label = edge && edge.ports;
      const all = label === "all";
      const some = edge && edge.of !== undefined && edge.pairs !== edge.of;
      return label
        ? el("td", { class: (all ? "allow all-ports" : "allow") + (some ? " some-pairs" : ""), "data-dst": dst.id, title: `${src.id} → ${dst.id}: ${edgeText(edge)}`, text: label })
        : el("td", { class: "deny", "data-dst": dst.id, title: `${src.id} → ${dst.id}: denied`, text: "·" });
    }
    function build(sources, targets) {
      const head = el("tr", {}, el("th", { class: "row", text: "from \\ to" }),
        ...targets.map((n) => el("th", { class: "col mono", text: n.external ? n.label : n.id, title: n.id, "data-dst": n.id })));
      const rows = sources.map((src) => el("tr", { "data-src": src.id },
        el("th", { class: "row mono", text: src.external ? src.label : src.id, title: src.id }),
        ...targets.map((dst) => cell(src, dst))));
      table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
    }
    if (!windowed) build(nodes, nodes);
    const srcBox = document.getElementById("matrix-src");
    const dstBox = document.getElementById("matrix-dst");
    const matches = (node, text) => node.id.toLowerCase().includes(text);
    function apply() {
      const s = srcBox.value.trim().toLowerCase();
      const d = dstBox.value.trim().toLowerCase();
      if (windowed) {
        const sources = nodes.filter((n) => matches(n, s));
        const targets = nodes.filter((n) => matches(n, d));
        build(sources.slice(0, MATRIX_WINDOW), targets.slice(0, MATRIX_WINDOW));
        const cut = sources.length > MATRIX_WINDOW || targets.length > MATRIX_WINDOW;
        document.getElementById("matrix-count").textContent =
          `${Math.min(sources.length, MATRIX_WINDOW)} of ${sources.length} matching sources (of ${nodes.length})` +
          (cut ? `, first ${MATRIX_WINDOW} sources and destinations shown: filter to see others` : "");
        return;
      }
      let shown = 0;
      for (const row of table.tBodies[0].rows) {
        const visible = row.dataset.src.toLowerCase().includes(s);
        row.hidden = !visible;
        shown += visible;
      }
      for (const cell of table.querySelectorAll("[data-dst]")) {
        cell.hidden = !cell.dataset.dst.toLowerCase().includes(d);
      }
      document.getElementById("matrix-count").textContent = `${shown} of ${nodes.length} sources`;
    }
    srcBox.addEventListener("input", apply);
    dstBox.addEventListener("input", apply);
    apply();
  }

  /* ---------- findings ---------- */
  function renderFindings() {
    const body = document.getElementById("findings-body");
    if (!data.findings.length) {
      body.append(el("div", { class: "empty", text: "No lint findings." }));
      return;
    }
    const rows = data.findings.map((f) => el("tr", { "data-severity": f.severity },
      el("td", {}, el("span", { class: "sev " + f.severity, text: f.severity })),
      el("td", { class: "mono", text: f.rule }),
      el("td", {}, el("div", { text: f.message }), el("div", { class: "fix", text: f.hint })),
      el("td", { class: "mono", text: f.object }),
      el("td", { class: "mono muted", text: f.where })));
    if (data.findings_total > data.findings.length) {
      body.append(el("p", { class: "muted", id: "findings-cut",
        text: `The first ${data.findings.length} of ${data.findings_total} findings, the most severe first: netfence lint lists every one.` }));
    }
    body.append(el("div", { class: "table-wrap full" }, el("table", {},
      el("thead", {}, el("tr", {}, ...["Severity", "Rule", "Finding and fix", "Object", "Where"].map((t) => el("th", { text: t })))),
      el("tbody", {}, ...rows))));
  }

  /* ---------- policies ---------- */
  const SCALAR = [
    [/^(["']).*\1$/, "y-str"],
    [/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/, "y-num"],
    [/^(true|false|null|~)$/, "y-bool"],
  ];

  function scalar(text) {
    const hit = SCALAR.find(([pattern]) => pattern.test(text.trim()));
    return el("span", { class: hit ? hit[1] : "y-str", text });
  }

  /* One YAML line as spans: indent, list dash, key, value, comment. */
  function yamlLine(line) {
    const out = [];
    const m = /^(\s*)((?:- )*)(.*)$/.exec(line);
    out.push(m[1]);
    if (m[2]) out.push(el("span", { class: "y-punct", text: m[2] }));
    let rest = m[3];
    let comment = "";
    const hash = rest.search(/(^|\s)#/);
    if (hash >= 0) { comment = rest.slice(hash); rest = rest.slice(0, hash); }
    const key = /^([^\s"'{[][^:]*?|"[^"]*"|'[^']*'):(\s|$)(.*)$/.exec(rest);
    if (key) {
      out.push(el("span", { class: "y-key", text: key[1] }), el("span", { class: "y-punct", text: ":" + key[2] }));
      rest = key[3];
    }
    if (rest) out.push(scalar(rest));
    if (comment) out.push(el("span", { class: "y-com", text: comment }));
    return out;
  }

  const LAZY_POLICIES = 200;

  function renderPolicies() {
    const body = document.getElementById("policies-body");
    if (!data.policies.length) {
      body.append(el("div", { class: "empty", text: "No NetworkPolicies in the input: every workload is unprotected." }));
      return;
    }
    /* Many policies: each one's YAML is highlighted when it is first opened (a page of
       thousands of highlighted policies is slow to lay out). */
    const lazy = data.policies.length > LAZY_POLICIES;
    for (const p of data.policies) {
      const pre = el("pre", { class: "yaml" });
      const details = el("details", { class: "policy", "data-policy": p.id },
        el("summary", {}, el("strong", { class: "mono", text: p.id }), el("span", { class: "where mono", text: p.where })),
        pre);
      if (lazy) details.addEventListener("toggle", () => fillYaml(pre, p.yaml), { once: true });
      else fillYaml(pre, p.yaml);
      body.append(details);
    }
  }

  function fillYaml(pre, text) {
    if (pre.childNodes.length) return;
    text.replace(/\n$/, "").split("\n").forEach((line, i) => {
      if (i) pre.append("\n");
      pre.append(...yamlLine(line));
    });
  }

  renderSummary();
  renderGraph();
  renderMatrix();
  renderFindings();
  renderPolicies();
  /* For tests and the browser console: the graph and a way to select a node. */
  window.netfenceReport = { cy, data, select };
})();
