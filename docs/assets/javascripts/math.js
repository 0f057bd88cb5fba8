// Renders the maths that pymdownx.arithmatex marks up (generic mode) with the
// self-hosted KaTeX in assets/katex/. KaTeX is fetched only on pages that have maths,
// and again after every instant-navigation page change (Material's document$).
(function () {
  const katexBase = new URL("../katex/", document.currentScript.src);
  let katexReady = null;

  function loadScript(name) {
    return new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = new URL(name, katexBase).href;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + script.src)); };
      document.head.appendChild(script);
    });
  }

  function loadKatex() {
    if (!katexReady) {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = new URL("katex.min.css", katexBase).href;
      document.head.appendChild(css);
      katexReady = loadScript("katex.min.js").then(function () {
        return loadScript("contrib/auto-render.min.js");
      });
    }
    return katexReady;
  }

  function renderMath(root) {
    const nodes = root.querySelectorAll(".arithmatex");
    if (nodes.length === 0) return;
    loadKatex().then(function () {
      nodes.forEach(function (node) {
        renderMathInElement(node, {
          delimiters: [
            { left: "\\(", right: "\\)", display: false },
            { left: "\\[", right: "\\]", display: true },
          ],
        });
        // A formula wider than the column scrolls; keyboard users must reach it too.
        if (node.scrollWidth > node.clientWidth) node.tabIndex = 0;
      });
    });
  }

  document$.subscribe(function ({ body }) { renderMath(body); });
})();
