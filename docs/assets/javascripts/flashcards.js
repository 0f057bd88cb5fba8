/*
  Tuning Lab flashcards: the flashcards page shows its questions one card at a time.

  The page (written by sitebuild/self_check.py) is a list of collapsed questions inside
  <div class="tl-cards">; without this script it stays that list. With it, one card is
  shown at a time: the reader turns it over (Space, or a tap on the question), keeps it
  for later ("Show again", key 1) or marks it known ("Got it", key 2), and moves with the
  arrow keys. Known cards are kept in this browser's localStorage and nothing else is
  stored or sent. Material loads pages without a reload (navigation.instant) and runs
  this script again each time the page is shown, so the set-up is idempotent and the
  keyboard listener is added once.
*/
(function () {
  "use strict";
  var STORE = "tuninglab.flashcards.known";
  var JUMP = "tuninglab.flashcards.jump";

  function known() {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "[]");
    } catch (error) {
      return [];
    }
  }

  function remember(ids) {
    try {
      localStorage.setItem(STORE, JSON.stringify(ids));
    } catch (error) {
      /* storage may be off (private mode): the deck still works for this visit */
    }
  }

  function button(label, action, primary) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "md-button" + (primary ? " md-button--primary" : "");
    element.textContent = label;
    element.dataset.action = action;
    return element;
  }

  function titleOf(heading) {
    if (!heading) return "";
    var copy = heading.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".headerlink"), function (link) {
      link.remove();
    });
    return copy.textContent.trim();
  }

  function setUp(root) {
    if (root.tlDeck) return root.tlDeck;
    var cards = [];
    var guide = null;
    Array.prototype.forEach.call(root.children, function (child) {
      if (child.tagName === "H2") guide = child;
      if (child.matches("details.question")) {
        var question = child.querySelector("summary").textContent.trim();
        cards.push({ element: child, guide: guide, id: (guide ? guide.id : "") + "/" + question });
      }
    });
    if (!cards.length) return null;

    var bar = document.createElement("div");
    bar.className = "tl-deck-bar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Flashcards");
    var status = document.createElement("p");
    status.className = "tl-deck-status";
    status.setAttribute("aria-live", "polite");
    var flip = button("Show answer", "flip", true);
    var controls = [
      button("Previous", "previous"),
      flip,
      button("Show again", "again"),
      button("Got it", "known", true),
      button("Next", "next"),
    ];
    var mode = button("Show as a list", "mode");
    var restart = button("Start over", "restart");
    bar.appendChild(status);
    controls.forEach(function (control) { bar.appendChild(control); });
    bar.appendChild(mode);
    bar.appendChild(restart);
    root.parentNode.insertBefore(bar, root);

    var deck = { root: root, queue: [], at: 0, one: true };
    var ids = cards.map(function (card) { return card.id; });
    // Forget cards that are no longer on the page (a question reworded or removed).
    remember(known().filter(function (id) { return ids.indexOf(id) >= 0; }));

    function closeAll() {
      cards.forEach(function (card) { card.element.open = false; });
    }

    function fill() {
      var done = known();
      deck.queue = cards.filter(function (card) { return done.indexOf(card.id) < 0; });
      deck.at = 0;
      closeAll();
    }

    function current() {
      return deck.queue[deck.at] || null;
    }

    function render() {
      var card = current();
      var done = known().filter(function (id) { return ids.indexOf(id) >= 0; }).length;
      root.classList.toggle("tl-one", deck.one);
      cards.forEach(function (each) { each.element.classList.remove("tl-current"); });
      controls.forEach(function (control) {
        control.hidden = !deck.one;
        control.disabled = !card;
      });
      mode.textContent = deck.one ? "Show as a list" : "Show one at a time";
      restart.hidden = !done;
      if (!deck.one) {
        status.textContent = cards.length + " cards; " + done + " marked got it.";
        return;
      }
      if (!card) {
        status.textContent = "All " + cards.length + " cards marked got it.";
        if (root.contains(document.activeElement) || bar.contains(document.activeElement)) {
          restart.focus();
        }
        return;
      }
      card.element.classList.add("tl-current");
      flip.textContent = card.element.open ? "Hide answer" : "Show answer";
      status.textContent = "Card " + (deck.at + 1) + " of " + deck.queue.length +
        " left (" + done + " got it), from " + titleOf(card.guide) + ": " +
        card.element.querySelector("summary").textContent.trim();
    }

    function move(step) {
      var card = current();
      if (card) card.element.open = false;
      if (deck.queue.length) {
        deck.at = (deck.at + step + deck.queue.length) % deck.queue.length;
      }
      render();
    }

    deck.show = function (id) {
      var index = deck.queue.findIndex(function (card) { return card.guide && card.guide.id === id; });
      if (index < 0) return;
      var card = current();
      if (card) card.element.open = false;
      deck.at = index;
      render();
    };

    deck.act = function (action) {
      var card = current();
      if (action === "mode") {
        deck.one = !deck.one;
        if (deck.one) closeAll();
      } else if (action === "restart") {
        remember([]);
        fill();
      } else if (!card) {
        return;
      } else if (action === "flip") {
        card.element.open = !card.element.open;
      } else if (action === "next" || action === "previous") {
        return move(action === "next" ? 1 : -1);
      } else if (action === "again") {
        card.element.open = false;
        var wasLast = deck.at === deck.queue.length - 1;
        deck.queue.splice(deck.at, 1);
        deck.queue.push(card);
        if (wasLast) deck.at = 0;
      } else if (action === "known") {
        card.element.open = false;
        var done = known();
        if (done.indexOf(card.id) < 0) done.push(card.id);
        remember(done);
        deck.queue.splice(deck.at, 1);
        if (deck.at >= deck.queue.length) deck.at = 0;
      }
      render();
    };

    bar.addEventListener("click", function (event) {
      var target = event.target.closest("button[data-action]");
      if (!target) return;
      deck.act(target.dataset.action);
      // After a click or a tap, give the keys back to the deck (Space would press the
      // button again); a button pressed from the keyboard keeps its focus.
      if (event.detail > 0) target.blur();
    });
    cards.forEach(function (card) {
      card.element.addEventListener("toggle", function () {
        if (card === current()) flip.textContent = card.element.open ? "Hide answer" : "Show answer";
      });
    });
    fill();
    render();
    root.tlDeck = deck;
    var jump = null;
    try {
      jump = sessionStorage.getItem(JUMP);
      sessionStorage.removeItem(JUMP);
    } catch (error) {
      /* no storage: the contents still jump when Material keeps the page */
    }
    if (jump) deck.show(jump);
    return deck;
  }

  var KEYS = { " ": "flip", "1": "again", "2": "known", ArrowRight: "next", ArrowLeft: "previous" };

  if (!window.tlFlashcardKeys) {
    window.tlFlashcardKeys = true;
    document.addEventListener("keydown", function (event) {
      var root = document.querySelector(".tl-cards");
      var deck = root && root.tlDeck;
      var action = KEYS[event.key];
      if (!deck || !deck.one || !action || event.repeat) return;
      if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
      var target = event.target;
      if (!target.closest || target.closest("input, textarea, select, .md-search")) return;
      // Space presses a focused button or opens a focused question by itself.
      if (action === "flip" && target.closest("button, summary")) return;
      event.preventDefault();
      deck.act(action);
    });
    // A link to a guide's heading (the table of contents) shows that guide's first card.
    // The hash itself is not read: Material's navigation.tracking rewrites it as the page
    // scrolls, and the headings are hidden while one card is shown. Material's instant
    // navigation may render the page again after the click, running this script anew, so
    // the wanted guide is also left in sessionStorage for that next set-up.
    document.addEventListener("click", function (event) {
      var root = document.querySelector(".tl-cards");
      var link = event.target.closest && event.target.closest("a[href*='#']");
      if (!root || !root.tlDeck || !link) return;
      var url = new URL(link.href, location.href);
      if (url.pathname !== location.pathname || !url.hash) return;
      var id = decodeURIComponent(url.hash.slice(1));
      try {
        sessionStorage.setItem(JUMP, id);
      } catch (error) {
        /* no storage */
      }
      root.tlDeck.show(id);
    }, true);
  }

  var root = document.querySelector(".tl-cards");
  if (root) setUp(root);
})();
