/// The web UI's script: the component list, a component's page, the pipeline graph as SVG with live rates, and the
/// live-debugging view — all from `/api/v0/web/`.
enum WebUIScript {
    static let js = #"""
    "use strict";
    const api = "/api/v0/web";
    const view = document.getElementById("view");

    function el(tag, attrs, ...children) {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
      for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
      return e;
    }
    // Ids inside modules carry the module's id: "lib.tagger.first/loki.process.tag"; each part is escaped.
    function urlPath(id) { return id.split("/").map(encodeURIComponent).join("/"); }
    function link(id, text) { return el("a", {href: "/component/" + urlPath(id)}, text || id); }
    function globalID(c) { return c.moduleID ? c.moduleID + "/" + c.localID : c.localID; }
    function state(h) { return el("span", {class: "state " + h.state}, h.state); }

    // Alloy's JSON body form back to Alloy syntax, for reading.
    function value(v) {
      switch (v.type) {
        case "null": return "null";
        case "string": return JSON.stringify(v.value);
        case "number": case "bool": return String(v.value);
        case "array": return "[" + v.value.map(value).join(", ") + "]";
        case "object": return "{" + v.value.map(f => f.key + " = " + value(f.value)).join(", ") + "}";
        default: return String(v.value);
      }
    }
    function body(statements, indent) {
      indent = indent || "";
      return (statements || []).map(s => s.type === "block"
        ? indent + s.name + (s.label ? " " + JSON.stringify(s.label) : "") + " {\n" + body(s.body, indent + "  ") + indent + "}\n"
        : indent + s.name + " = " + value(s.value) + "\n").join("");
    }

    // The components of the configuration, or of one module (a custom component's body, a foreach copy).
    async function list(moduleID) {
      const r = await fetch(moduleID ? api + "/modules/" + urlPath(moduleID) + "/components" : api + "/components");
      if (!r.ok) { view.replaceChildren(el("p", {}, "No module " + moduleID)); return; }
      const components = await r.json();
      const prefix = moduleID ? moduleID + "/" : "";
      const rows = components.map(c => el("tr", {"data-id": globalID(c)},
        el("td", {}, link(globalID(c), c.localID)), el("td", {}, state(c.health)), el("td", {}, c.health.message),
        el("td", {}, ...c.dataFlowEdgesTo.flatMap((t, i) => i ? [", ", link(prefix + t, t)] : [link(prefix + t, t)]))));
      view.replaceChildren(el("h1", {id: "list-title"}, moduleID ? "Module " + moduleID : "Components"),
        ...(moduleID ? [el("p", {}, el("a", {id: "module-graph", href: "/graph/" + urlPath(moduleID)}, "Graph of this module"))] : []),
        el("table", {}, el("tr", {}, el("th", {}, "Component"), el("th", {}, "Health"), el("th", {}, "Message"),
          el("th", {}, "Sends entries to")), ...rows));
    }

    async function component(id) {
      const r = await fetch(api + "/components/" + urlPath(id));
      if (!r.ok) { view.replaceChildren(el("p", {}, "No component " + id)); return; }
      const c = await r.json();
      const prefix = c.moduleID ? c.moduleID + "/" : "";
      const section = (title, statements) => [el("h2", {}, title), el("pre", {class: title.toLowerCase().replace(" ", "-")},
        body(statements) || "(none)")];
      const refs = (title, ids) => el("p", {}, title + ": ", ...(ids.length ? ids.flatMap((t, i) => i ? [", ", link(prefix + t, t)] : [link(prefix + t, t)]) : ["none"]));
      const modules = (c.createdModuleIDs || []).flatMap((m, i) => {
        const a = el("a", {href: "/module/" + urlPath(m), class: "module"}, m);
        return i ? [", ", a] : [a];
      });
      view.replaceChildren(el("h1", {id: "component-id"}, globalID(c)), el("p", {}, state(c.health), " ", c.health.message,
          el("span", {class: "muted"}, " since " + c.health.updatedTime)),
        ...(c.moduleID ? [el("p", {}, "In module: ", el("a", {href: "/module/" + urlPath(c.moduleID)}, c.moduleID))] : []),
        ...(modules.length ? [el("p", {}, "Modules it runs: ", ...modules)] : []),
        refs("References", c.referencesTo), refs("Referenced by", c.referencedBy), refs("Sends entries to", c.dataFlowEdgesTo),
        ...section("Arguments", c.arguments), ...section("Exports", c.exports), ...section("Debug info", c.debugInfo),
        c.liveDebuggingEnabled ? el("p", {}, el("a", {href: "/debug/" + urlPath(globalID(c))}, "Live debugging"))
                               : el("p", {class: "muted"}, "Live debugging: enable it with livedebugging { enabled = true }"));
    }

    // Streams an endpoint that frames chunks with "|;|", calling onChunk for each.
    async function stream(url, onChunk) {
      const r = await fetch(url);
      if (!r.ok) { onChunk(null, await r.text()); return; }
      const reader = r.body.getReader(), decoder = new TextDecoder();
      let rest = "";
      for (;;) {
        const {done, value: bytes} = await reader.read();
        if (done) return;
        rest += decoder.decode(bytes, {stream: true});
        const parts = rest.split("|;|");
        rest = parts.pop();
        for (const p of parts) onChunk(p);
      }
    }

    async function debug(id) {
      const out = el("div", {class: "live", id: "live"});
      view.replaceChildren(el("h1", {}, "Live debugging: ", link(id)), out);
      stream(api + "/debug/" + urlPath(id), (chunk, error) => {
        const line = el("div", {}, chunk === null ? error : chunk);
        out.append(line);
        while (out.childElementCount > 2000) out.firstChild.remove();
        out.scrollTop = out.scrollHeight;
      });
    }

    // The top level's pipeline, or one module's.
    async function graph(moduleID) {
      const r = await fetch(moduleID ? api + "/modules/" + urlPath(moduleID) + "/components" : api + "/components");
      if (!r.ok) { view.replaceChildren(el("p", {}, "No module " + moduleID)); return; }
      const components = await r.json();
      // Columns by depth along references and data flow; rows in order.
      const byID = Object.fromEntries(components.map(c => [c.localID, c]));
      const depth = {};
      const level = id => {
        if (depth[id] !== undefined) return depth[id];
        depth[id] = 0;
        const from = components.filter(c => c.dataFlowEdgesTo.includes(id) || (byID[id] && byID[id].referencesTo.includes(c.localID)));
        depth[id] = from.length ? Math.max(...from.map(c => level(c.localID) + 1)) : 0;
        return depth[id];
      };
      components.forEach(c => level(c.localID));
      const columns = {};
      components.forEach(c => (columns[depth[c.localID]] = columns[depth[c.localID]] || []).push(c.localID));
      const w = 230, h = 34, gapX = 90, gapY = 26, pos = {};
      Object.entries(columns).forEach(([d, ids]) => ids.forEach((id, i) => pos[id] = {x: 20 + d * (w + gapX), y: 20 + i * (h + gapY)}));
      const width = 40 + (Object.keys(columns).length) * (w + gapX), height = 40 + Math.max(...Object.values(columns).map(c => c.length)) * (h + gapY);
      const ns = "http://www.w3.org/2000/svg";
      const svg = document.createElementNS(ns, "svg");
      svg.setAttribute("width", width); svg.setAttribute("height", height); svg.setAttribute("id", "graph");
      svg.innerHTML = '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z"/></marker></defs>';
      const rateText = {};
      for (const c of components) {
        const kinds = c.dataFlowEdgesTo.map(t => [t, "data"]).concat(c.referencesTo.filter(t => !byID[t] || !byID[t].dataFlowEdgesTo.includes(c.localID)).map(t => [t, "ref"]));
        for (const [t, kind] of kinds) {
          if (!pos[t]) continue;
          const [from, to] = kind === "data" ? [c.localID, t] : [t, c.localID];
          const a = pos[from], b = pos[to];
          const path = document.createElementNS(ns, "path");
          path.setAttribute("class", "edge");
          path.setAttribute("d", `M${a.x + w},${a.y + h / 2} C${a.x + w + 40},${a.y + h / 2} ${b.x - 40},${b.y + h / 2} ${b.x},${b.y + h / 2}`);
          if (kind === "ref") path.setAttribute("stroke-dasharray", "4 3");
          svg.append(path);
          if (kind === "data") {
            const t2 = document.createElementNS(ns, "text");
            t2.setAttribute("class", "rate"); t2.setAttribute("x", a.x + w + 6); t2.setAttribute("y", a.y + h / 2 - 4);
            (rateText[globalID(c)] = rateText[globalID(c)] || []).push(t2);
            svg.append(t2);
          }
        }
      }
      for (const c of components) {
        const g = document.createElementNS(ns, "g");
        g.setAttribute("class", "node"); g.setAttribute("data-id", c.localID);
        const a = document.createElementNS(ns, "a"); a.setAttribute("href", "/component/" + urlPath(globalID(c)));
        const r = document.createElementNS(ns, "rect");
        r.setAttribute("x", pos[c.localID].x); r.setAttribute("y", pos[c.localID].y); r.setAttribute("width", w); r.setAttribute("height", h); r.setAttribute("rx", 4);
        r.setAttribute("style", c.health.state === "healthy" ? "" : "stroke:#c62828;stroke-width:2");
        const t = document.createElementNS(ns, "text");
        t.setAttribute("x", pos[c.localID].x + 8); t.setAttribute("y", pos[c.localID].y + 21); t.textContent = c.localID;
        a.append(r, t); g.append(a); svg.append(g);
      }
      view.replaceChildren(el("h1", {id: "graph-title"}, moduleID ? "Module " + moduleID : "Pipeline"), el("p", {class: "muted"}, "Solid arrows: entries (with entries per second while live debugging is enabled); dashed: references."), svg);
      stream(api + "/graph" + (moduleID ? "/" + urlPath(moduleID) : "") + "?window=1", chunk => {
        if (chunk === null) return;
        const rates = JSON.parse(chunk);
        for (const texts of Object.values(rateText)) texts.forEach(t => t.textContent = "");
        for (const r of rates) (rateText[r.componentID] || []).forEach(t => t.textContent = r.rate.toFixed(1) + "/s");
      });
    }

    const path = decodeURIComponent(location.pathname);
    if (path.startsWith("/component/")) component(path.slice("/component/".length));
    else if (path.startsWith("/debug/")) debug(path.slice("/debug/".length));
    else if (path.startsWith("/module/")) list(path.slice("/module/".length));
    else if (path.startsWith("/graph/")) graph(path.slice("/graph/".length));
    else if (path === "/graph") graph();
    else list();
    """#
}
