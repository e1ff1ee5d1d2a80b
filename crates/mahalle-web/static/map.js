// The request form's conveniences: a point picked on the offline district map, and the
// category's questions shown when the category changes. The form works without this file.
(function () {
  "use strict";
  const form = document.getElementById("request-form");
  if (!form) return;

  // Category: reload the form (keeping what was typed) when questions may change.
  const select = document.getElementById("service_code");
  const refresh = document.getElementById("refresh-form");
  if (select && refresh) {
    refresh.classList.add("js-hidden");
    select.addEventListener("change", () => {
      const opt = select.options[select.selectedIndex];
      const hasQuestions = opt && opt.getAttribute("data-attrs") === "1";
      const showing = form.querySelector(".questions") !== null;
      if (hasQuestions || showing) refresh.click();
    });
  }

  const svg = document.getElementById("district-map");
  const marker = document.getElementById("map-marker");
  const lat = document.getElementById("lat");
  const lon = document.getElementById("lon");
  const status = document.getElementById("map-status");
  const clear = document.getElementById("map-clear");
  if (!svg || !marker || !lat || !lon || !status) return;

  const vb = svg.viewBox.baseVal;
  const lon0 = parseFloat(svg.getAttribute("data-lon0"));
  const lat0 = parseFloat(svg.getAttribute("data-lat0"));
  const lon1 = parseFloat(svg.getAttribute("data-lon1"));
  const lat1 = parseFloat(svg.getAttribute("data-lat1"));
  svg.classList.add("active");
  if (clear) clear.classList.add("js-shown");

  function show(text) {
    status.textContent = text;
  }

  function mark(x, y, label) {
    marker.setAttribute("cx", x.toFixed(1));
    marker.setAttribute("cy", y.toFixed(1));
    marker.classList.remove("hidden");
    svg.querySelectorAll("path.chosen").forEach((p) => p.classList.remove("chosen"));
    show(status.getAttribute("data-chosen") + " " + (label || ""));
  }

  svg.addEventListener("click", (e) => {
    const ctm = svg.getScreenCTM();
    if (!ctm) return;
    const pt = svg.createSVGPoint();
    pt.x = e.clientX;
    pt.y = e.clientY;
    const p = pt.matrixTransform(ctm.inverse());
    const x = p.x, y = p.y;
    const lo = lon0 + (x / vb.width) * (lon1 - lon0);
    const la = lat0 + (y / vb.height) * (lat1 - lat0);
    const path = e.target.closest ? e.target.closest("path[data-district]") : null;
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    mark(x, y, path ? path.getAttribute("data-label") : "");
    if (path) path.classList.add("chosen");
  });

  if (clear) {
    clear.addEventListener("click", () => {
      lat.value = "";
      lon.value = "";
      marker.classList.add("hidden");
      svg.querySelectorAll("path.chosen").forEach((p) => p.classList.remove("chosen"));
      show(status.getAttribute("data-none"));
    });
  }
})();
